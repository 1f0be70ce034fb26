/** The CheckRunner for runbook `check` steps: evaluates check ids live and/or on a compose file. */
import type { CheckOutcome, CheckResult, CheckRunner, StepContext } from '../engine/executors.js';
import type { DockerReadPort } from '../engine/docker-read-port.js';
import { redact } from '../engine/redact.js';
import { errorMessage } from '../errors.js';
import { ALL_CHECKS, checkScope } from './all-checks.js';
import { fixText, isContainerSetting } from './remediation.js';
import { targetLabel } from './targets.js';
import { runAuditCore } from './audit-core.js';
import type { ReadFile } from './compose-load.js';
import { scrubber, secretCandidates } from './secret-net.js';
import type { Evaluation, FindingTarget } from './types.js';
import type { BackupHistory } from './rules-backups.js';

/**
 * What a runbook `check` step may name: container, compose and stack checks, the daemon's and its
 * host's. Image checks walk every layer of every image: an audit, not a step.
 */
export const CHECK_IDS: readonly string[] = ALL_CHECKS.filter((c) => c.scope !== 'images').map(
  (c) => c.id,
);
/** Checks of the engine itself (its daemon, its machine, its swarm): they need an engine, not a target. */
const engineWide = (id: string) => {
  const scope = checkScope(id);
  return scope === 'daemon' || scope === 'host' || scope === 'swarm';
};

export interface CheckRunnerDeps {
  docker?: DockerReadPort;
  /** For the backups checks: what this WARDEN_HOME's sessions recorded. */
  backups?: () => Promise<BackupHistory>;
  readFile?: ReadFile;
  env?: Readonly<Record<string, string | undefined>>;
}

/** A check that gave no verdict: unknown, or unable to run. */
const errorResult = (
  check: string,
  title: string,
  target: string,
  evidence: string,
): CheckResult => ({
  check,
  verdict: 'error',
  severity: 'info',
  title,
  target,
  evidence,
});

function targetText(t: FindingTarget): string {
  return `${targetLabel(t)}${t.kind === 'compose' && t.line ? ` line ${t.line}` : ''}`;
}

/**
 * A result as the journal may store it. Evidence is built without values (see secret-net.ts);
 * the net scrubs what could still be a secret from the evidence, and the free-text redactor
 * masks `NAME=value` shapes. The target and remediation are identifiers and the check's own
 * text: left as they are.
 */
export function maskResult(r: CheckResult, scrub: (t: string) => string): CheckResult {
  return {
    ...r,
    ...(r.evidence !== undefined ? { evidence: redact(scrub(r.evidence)) } : {}),
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
          remediation: !isContainerSetting(e.remediation)
            ? fixText(e.remediation)
            : `${fixText(e.remediation)}\n${
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
      // The daemon checks ask the engine; without one they are errors of their own.
      const engineless = deps.docker ? [] : checkIds.filter(engineWide);
      // The backup checks read the sessions' journals: not every runner has them.
      const historyless = deps.backups
        ? []
        : checkIds.filter((id) => checkScope(id) === 'backups' && !engineless.includes(id));
      const known = checkIds.filter(
        (id) => CHECK_IDS.includes(id) && !engineless.includes(id) && !historyless.includes(id),
      );
      const errors: CheckResult[] = checkIds
        .filter((id) => !CHECK_IDS.includes(id))
        .map((id) => errorResult(id, 'unknown check', '-', `no check with id ${id}`))
        .concat(
          engineless.map((id) =>
            errorResult(
              id,
              'check could not run',
              'engine',
              'no engine configured: the daemon, host and swarm checks ask the engine',
            ),
          ),
        )
        .concat(
          historyless.map((id) =>
            errorResult(
              id,
              'check could not run',
              'sessions',
              "the backup checks read this WARDEN_HOME's sessions, which this runner cannot",
            ),
          ),
        );
      try {
        const scopes = new Set(known.map((id) => checkScope(id)));
        const run = await runAuditCore({
          checkIds: known,
          scopes: [
            ...(scopes.has('containers') ? ['containers', 'compose'] : []),
            ...(scopes.has('networks') ? ['networks'] : []),
            ...(scopes.has('backups') ? ['backups'] : []),
            ...(scopes.has('daemon') ? ['daemon'] : []),
            ...(scopes.has('host') ? ['host'] : []),
            ...(scopes.has('swarm') ? ['swarm'] : []),
          ],
          ...(compose ? { composeFiles: [compose] } : {}),
          ...(container ? { containers: [container] } : {}),
          ...(deps.docker ? { docker: deps.docker } : {}),
          ...(deps.readFile ? { readFile: deps.readFile } : {}),
          ...(deps.env ? { env: deps.env } : {}),
          ...(deps.backups ? { backups: { history: deps.backups } } : {}),
          signal: ctx.signal,
        });
        if (compose && !run.engine.reached && deps.docker)
          ctx.onOutput(
            `engine not reached (${run.engine.message ?? 'unknown'}); compose file only`,
          );
        const scrub = scrubber(
          secretCandidates([...run.live, ...run.composes.flatMap((c) => c.services)]),
        );
        const results = [...errors, ...run.evaluations.map(toResult)].map((r) =>
          maskResult(r, scrub),
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
            ...known.map((id) =>
              errorResult(
                id,
                'check could not run',
                redact(container ?? compose ?? 'all containers'),
                message,
              ),
            ),
          ],
        };
      }
    },
  };
}

export { CHECK_IDS as ids };
