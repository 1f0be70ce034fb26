/**
 * The check step executor: hardening checks evaluated live (read-only) by the CheckRunner, their
 * per-target verdicts recorded. Nothing evaluated (engine down, no such container) is an error,
 * not a failed verdict: the step stays open.
 */
import { errorMessage } from '../errors.js';
import type { Step } from '../runbook/types.js';
import { CANCELLED, isCancellation } from './cancel.js';
import type { StepContext } from './executors.js';
import type { Recording } from './recorder.js';
import { withEngine } from './run-action.js';
import { redact } from './redact.js';
import type { ExecEnv } from './session-deps.js';

/** Step params as recorded in the journal: values that look like credentials masked. */
export function redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, redact(`${k}=${v}`).slice(k.length + 1)]),
  );
}

export async function runCheck(
  env: ExecEnv,
  rec: Recording,
  step: Step,
  ctx: StepContext,
  dryRun: boolean,
): Promise<void> {
  const checks = env.deps.checks;
  const ids = step.checks ?? [];
  // Compose-file checks read no engine; the rest record which one they read.
  if (!ctx.params.compose) ctx = await withEngine(env, ctx);
  await rec.write({
    type: 'step.started',
    step: step.id,
    data: {
      kind: 'check',
      checks: ids,
      params: redactParams(ctx.params),
      dryRun,
      ...(ctx.engine ? { engine: ctx.engine } : {}),
    },
  });
  if (dryRun || !checks) {
    await rec.write({
      type: 'step.result',
      step: step.id,
      data: dryRun
        ? { outcome: 'ok', dryRun: true, summary: `would evaluate ${ids.join(', ')} (read-only)` }
        : { outcome: 'error', summary: 'live checks are not available in this build' },
    });
    return;
  }
  let data: Record<string, unknown>;
  try {
    const outcome = await checks.run(ids, ctx);
    const nothingRan =
      !outcome.ok &&
      outcome.results.length > 0 &&
      outcome.results.every((r) => r.verdict === 'error');
    data = {
      outcome: outcome.ok ? 'ok' : nothingRan ? 'error' : 'failed',
      summary: env.maskOutput(outcome.summary),
      results: outcome.results,
      ...(ctx.engine ? { engine: ctx.engine } : {}),
    };
  } catch (err) {
    const cancelled = isCancellation(err, ctx.signal);
    data = {
      outcome: cancelled ? 'cancelled' : 'error',
      summary: cancelled ? CANCELLED : env.maskOutput(errorMessage(err)),
    };
  }
  await rec.write({ type: 'step.result', step: step.id, data });
}
