/** The CheckRunner for runbook `check` steps: evaluates check ids live and/or on a compose file. */
import type { CheckOutcome, CheckResult, CheckRunner, StepContext } from '../engine/executors.js';
import type { DockerReadPort } from '../engine/docker-read-port.js';
import { redact } from '../engine/redact.js';
import { errorMessage } from '../errors.js';
import { CHECK_IDS } from './catalog.js';
import { runAuditCore } from './audit-core.js';
import type { ReadFile } from './compose-load.js';
import { isDemoCredential, isSecretName, maskSecrets, MASK } from './mask.js';
import type { ContainerModel } from './model.js';
import type { Evaluation, FindingTarget } from './types.js';

export interface CheckRunnerDeps {
  docker?: DockerReadPort;
  readFile?: ReadFile;
  env?: Readonly<Record<string, string | undefined>>;
}

function targetText(t: FindingTarget): string {
  if (t.kind === 'container') return `container ${t.name}${t.id ? ` (${t.id.slice(0, 12)})` : ''}`;
  return `${t.file ?? 'compose'} service ${t.service ?? t.name}${t.line ? ` line ${t.line}` : ''}`;
}

/**
 * What a result must never show: the values of credential-like variables of every model
 * evaluated. Known demo values (`root`, `test`...) are ordinary words too, so they are masked only
 * as whole tokens; the others wherever they occur. Values stay in memory, never printed.
 */
export interface SecretSet {
  values: string[];
  demo: string[];
}

export function secretSet(models: readonly ContainerModel[]): SecretSet {
  const values = new Set<string>();
  const demo = new Set<string>();
  for (const m of models)
    for (const v of m.env ?? [])
      if (v.value && isSecretName(v.name)) (isDemoCredential(v.value) ? demo : values).add(v.value);
  return { values: [...values], demo: [...demo] };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Masks every secret of `secrets` in `text`, then whatever the free-text redactor finds. Demo
 * values only when `demo` is set (evidence: the setting as found), as whole words.
 */
export function maskResultText(text: string, secrets: SecretSet, demo = true): string {
  let out = maskSecrets(text, secrets.values);
  if (demo && secrets.demo.length)
    out = out.replace(
      new RegExp(
        `(?<![A-Za-z0-9_])(?:${secrets.demo.map(escapeRegExp).join('|')})(?![A-Za-z0-9_])`,
        'gi',
      ),
      MASK,
    );
  return redact(out);
}

/**
 * A result as the journal may store it: every text field masked. Demo values are masked in the
 * evidence only: the target names the container (`postgres` with POSTGRES_PASSWORD=postgres) and
 * the remediation is the check's own text.
 */
export function maskResult(r: CheckResult, secrets: SecretSet): CheckResult {
  return {
    ...r,
    title: redact(r.title),
    target: maskResultText(r.target, secrets, false),
    ...(r.evidence !== undefined ? { evidence: maskResultText(r.evidence, secrets) } : {}),
    ...(r.remediation !== undefined
      ? { remediation: maskResultText(r.remediation, secrets, false) }
      : {}),
  };
}

function toResult(e: Evaluation): CheckResult {
  return {
    check: e.check,
    verdict: e.verdict,
    severity: e.severity,
    title: e.title,
    target: targetText(e.target),
    ...(e.evidence !== undefined
      ? { evidence: e.evidence }
      : e.reason !== undefined
        ? { evidence: e.reason }
        : {}),
    ...(e.verdict === 'fail'
      ? {
          remediation: `compose:\n${e.remediation.compose}\ndocker run: ${e.remediation.run}\n${
            e.remediation.live ? 'fixable live with `docker update`' : 'needs a recreate'
          }`,
        }
      : {}),
  };
}

export function createCheckRunner(deps: CheckRunnerDeps): CheckRunner {
  return {
    ids: CHECK_IDS,
    async run(checkIds: readonly string[], ctx: StepContext): Promise<CheckOutcome> {
      const container = ctx.params.container?.trim();
      const compose = ctx.params.compose?.trim();
      const known = checkIds.filter((id) => CHECK_IDS.includes(id));
      const errors: CheckResult[] = checkIds
        .filter((id) => !CHECK_IDS.includes(id))
        .map((id) => ({
          check: id,
          verdict: 'error',
          severity: 'info',
          title: 'unknown check',
          target: '-',
          evidence: `no check with id ${id}`,
        }));
      try {
        const run = await runAuditCore({
          checkIds: known,
          ...(compose ? { composeFiles: [compose] } : {}),
          ...(container ? { containers: [container] } : {}),
          ...(deps.docker ? { docker: deps.docker } : {}),
          ...(deps.readFile ? { readFile: deps.readFile } : {}),
          ...(deps.env ? { env: deps.env } : {}),
          signal: ctx.signal,
        });
        if (compose && !run.engine.reached && deps.docker)
          ctx.onOutput(
            `engine not reached (${run.engine.message ?? 'unknown'}); compose file only`,
          );
        const secrets = secretSet([...run.live, ...run.composes.flatMap((c) => c.services)]);
        const results = [...errors, ...run.evaluations.map(toResult)].map((r) =>
          maskResult(r, secrets),
        );
        const failing = results.filter((r) => r.verdict === 'fail' || r.verdict === 'error');
        const targets = new Set(results.map((r) => r.target));
        const failingTargets = new Set(failing.map((r) => r.target));
        for (const r of failing)
          ctx.onOutput(
            // No `check: value` shape: the redactor would read `secret-in-env: ...` as a secret.
            `${r.severity} ${r.check} — ${r.target}${r.evidence ? ` — ${r.evidence}` : ''}`,
          );
        return {
          ok: failing.length === 0,
          summary:
            targets.size === 0
              ? 'no targets to check'
              : failing.length === 0
                ? `${targets.size} target(s) pass ${known.join(', ')}`
                : `${failingTargets.size} of ${targets.size} target(s) fail ${[...new Set(failing.map((r) => r.check))].join(', ')}`,
          results,
        };
      } catch (err) {
        const message = redact(errorMessage(err));
        return {
          ok: false,
          summary: message,
          results: [
            ...errors,
            ...known.map((id): CheckResult => ({
              check: id,
              verdict: 'error',
              severity: 'info',
              title: 'check could not run',
              target: redact(container ?? compose ?? 'all containers'),
              evidence: message,
            })),
          ],
        };
      }
    },
  };
}

export { CHECK_IDS as ids };
