/** Every check, in report order, and the pure evaluation of a model against them. */
import type { ContainerModel } from './model.js';
import type {
  CheckContext,
  CheckDefinition,
  Evaluation,
  FindingTarget,
  Remediation,
} from './types.js';
import { privilegeChecks } from './rules-privilege.js';
import { exposureChecks } from './rules-exposure.js';
import { runtimeChecks } from './rules-runtime.js';

export const CHECKS: readonly CheckDefinition[] = [
  ...privilegeChecks,
  ...exposureChecks,
  ...runtimeChecks,
];

/** `drift` compares a compose service with its running container (see drift.ts). */
export const DRIFT_CHECK = {
  id: 'drift',
  title: 'Compose file and running container disagree',
  severity: 'medium' as const,
  remediation: {
    compose: '# recreate from the file: docker compose up -d --force-recreate <service>',
    run: 'recreate the container from the compose file',
    live: false,
  } satisfies Remediation,
};

/** Stable check ids, for runbooks and the CheckRunner. */
export const CHECK_IDS: readonly string[] = [...CHECKS.map((c) => c.id), DRIFT_CHECK.id];

const byId = new Map(CHECKS.map((c) => [c.id, c]));

export function getCheck(id: string): CheckDefinition | undefined {
  return byId.get(id);
}

export function targetOf(m: ContainerModel): FindingTarget {
  if (m.source === 'compose') {
    return {
      kind: 'compose',
      name: m.name,
      ...(m.file !== undefined ? { file: m.file } : {}),
      service: m.service ?? m.name,
      ...(m.line !== undefined ? { line: m.line } : {}),
    };
  }
  return {
    kind: 'container',
    name: m.name,
    ...(m.id !== undefined ? { id: m.id } : {}),
    ...(m.composeService !== undefined ? { service: m.composeService } : {}),
  };
}

/** Evaluates the given checks (default: all but drift) against one model. */
export function evaluateModel(
  model: ContainerModel,
  ctx: CheckContext,
  ids?: readonly string[],
): Evaluation[] {
  const checks = ids ? CHECKS.filter((c) => ids.includes(c.id)) : CHECKS;
  const base = targetOf(model);
  return checks.map((c) => {
    const d = c.evaluate(model, ctx);
    const target =
      d.line !== undefined && base.kind === 'compose' ? { ...base, line: d.line } : base;
    return {
      check: c.id,
      verdict: d.verdict,
      severity: d.severity ?? c.severity,
      title: c.title,
      target,
      ...(d.evidence !== undefined ? { evidence: d.evidence } : {}),
      ...(d.reason !== undefined ? { reason: d.reason } : {}),
      remediation: c.remediation,
      refs: c.cis ? { cis: c.cis } : {},
    };
  });
}
