/** Every check, in report order, and the pure evaluation of a model against them. */
import type { ContainerModel } from './model.js';
import type {
  CheckContext,
  CheckDefinition,
  CheckVerdictDetail,
  Evaluation,
  FindingTarget,
  Remediation,
  SourceLocation,
  StackCheckDefinition,
} from './types.js';
import { evaluationOf } from './types.js';
import { privilegeChecks } from './rules-privilege.js';
import { exposureChecks } from './rules-exposure.js';
import { runtimeChecks } from './rules-runtime.js';
import { credentialChecks } from './rules-credentials.js';
import { stackChecks } from './rules-stack.js';
import { hostChecks } from './rules-host.js';
import { serviceChecks } from './rules-services.js';

export const CHECKS: readonly CheckDefinition[] = [
  ...privilegeChecks,
  ...hostChecks,
  ...credentialChecks,
  ...exposureChecks,
  ...serviceChecks,
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

/** Checks over a whole stack (a compose file, an engine's containers). */
export const STACK_CHECKS: readonly StackCheckDefinition[] = stackChecks;

/** Stable check ids, for runbooks and the CheckRunner. */
export const CHECK_IDS: readonly string[] = [
  ...CHECKS.map((c) => c.id),
  ...STACK_CHECKS.map((c) => c.id),
  DRIFT_CHECK.id,
];

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

/** An evaluation from one check's verdict on one model: target, location, remediation. */
export function toEvaluation(
  c: Pick<CheckDefinition, 'id' | 'title' | 'severity' | 'cis' | 'remediation'>,
  model: ContainerModel,
  d: CheckVerdictDetail,
): Evaluation {
  const base = targetOf(model);
  let target = base;
  let location: SourceLocation | undefined;
  if (base.kind === 'compose' && d.line !== undefined) {
    const elsewhere = d.file !== undefined && d.file !== model.file;
    location = {
      file: elsewhere ? (d.file as string) : (model.file ?? 'compose.yaml'),
      line: d.line,
    };
    // The target stays the audited file's service; its line is the setting's when it is there.
    target = elsewhere ? base : { ...base, line: d.line };
  }
  return {
    ...evaluationOf(c, target, d),
    ...(location ? { location } : {}),
  };
}

/** Evaluates the given checks (default: all per-model checks) against one model. */
export function evaluateModel(
  model: ContainerModel,
  ctx: CheckContext,
  ids?: readonly string[],
): Evaluation[] {
  const checks = ids ? CHECKS.filter((c) => ids.includes(c.id)) : CHECKS;
  return checks.map((c) => toEvaluation(c, model, c.evaluate(model, ctx)));
}

/** Evaluates the given stack checks (default: all) over a group of models. */
export function evaluateStack(
  models: readonly ContainerModel[],
  ctx: CheckContext,
  ids?: readonly string[],
): Evaluation[] {
  const checks = ids ? STACK_CHECKS.filter((c) => ids.includes(c.id)) : STACK_CHECKS;
  const out: Evaluation[] = [];
  for (const c of checks) {
    const verdicts = c.evaluate(models, ctx);
    models.forEach((m, i) => {
      const d = verdicts[i];
      if (d) out.push(toEvaluation(c, m, d));
    });
  }
  return out;
}
