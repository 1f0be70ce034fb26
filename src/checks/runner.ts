/** The CheckRunner for runbook `check` steps: evaluates check ids live and/or on a compose file. */
import type { CheckOutcome, CheckResult, CheckRunner, StepContext } from '../engine/executors.js';
import type { DockerReadPort } from '../engine/docker-read-port.js';
import { redact } from '../engine/redact.js';
import { errorMessage } from '../errors.js';
import { CHECK_IDS as CONTAINER_CHECK_IDS } from './catalog.js';
import { DAEMON_CHECKS } from './rules-daemon.js';
import { runAuditCore } from './audit-core.js';
import type { ReadFile } from './compose-load.js';
import { scrubber, secretCandidates } from './secret-net.js';
import type { Evaluation, FindingTarget } from './types.js';

const DAEMON_IDS: readonly string[] = DAEMON_CHECKS.map((c) => c.id);
/** What a runbook `check` step may name: container, compose and stack checks, and the daemon's. */
export const CHECK_IDS: readonly string[] = [...CONTAINER_CHECK_IDS, ...DAEMON_IDS];

export interface CheckRunnerDeps {
  docker?: DockerReadPort;
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
  if (t.kind === 'container') return `container ${t.name}${t.id ? ` (${t.id.slice(0, 12)})` : ''}`;
  if (t.kind === 'engine') return `engine ${t.name}`;
  return `${t.file ?? 'compose'} service ${t.service ?? t.name}${t.line ? ` line ${t.line}` : ''}`;
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
          remediation: e.remediation.daemon
            ? `daemon.json: ${e.remediation.daemon}\nthen restart the daemon (dockerd: ${e.remediation.run})`
            : `compose:\n${e.remediation.compose}\ndocker run: ${e.remediation.run}\n${
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
      const engineless = deps.docker ? [] : checkIds.filter((id) => DAEMON_IDS.includes(id));
      const known = checkIds.filter((id) => CHECK_IDS.includes(id) && !engineless.includes(id));
      const errors: CheckResult[] = checkIds
        .filter((id) => !CHECK_IDS.includes(id))
        .map((id) => errorResult(id, 'unknown check', '-', `no check with id ${id}`))
        .concat(
          engineless.map((id) =>
            errorResult(
              id,
              'check could not run',
              'engine',
              'no engine configured: the daemon checks ask the engine',
            ),
          ),
        );
      try {
        const daemonOnly = known.every((id) => DAEMON_IDS.includes(id));
        const run = await runAuditCore({
          checkIds: known,
          scopes: [
            ...(daemonOnly ? [] : ['containers', 'compose']),
            ...(known.some((id) => DAEMON_IDS.includes(id)) ? ['daemon'] : []),
          ],
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
