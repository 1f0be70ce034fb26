/**
 * The action executor, for runbook action steps and ad-hoc actions (CLI verbs) alike: the intent
 * entry (with the dry run's plan: engine calls, blast radius, state before) is written before
 * anything changes, then the action runs through the ActionRunner, then its result is recorded:
 * `ok`, `failed`, or `cancelled` with what had been done when the operator cancelled.
 */
import { DockerError, UserError, errorMessage } from '../errors.js';
import type { Step } from '../runbook/types.js';
import { CANCELLED, isCancellation } from './cancel.js';
import type { ActionRunner, StepContext } from './executors.js';
import type { Recording } from './recorder.js';
import { redactParams } from './run-check.js';
import { safetyBlocker } from './safety.js';
import type { ExecEnv } from './session-deps.js';
import { Tail } from './tail.js';

/** The dry run of an action, recorded in its intent entry. */
async function planFor(
  env: ExecEnv,
  actions: ActionRunner,
  actionId: string,
  ctx: StepContext,
): Promise<Record<string, unknown>> {
  try {
    const p = await actions.dryRun(actionId, { ...ctx, onOutput: () => undefined });
    return { plan: p.data };
  } catch (err) {
    return { planError: env.maskOutput(errorMessage(err)) };
  }
}

/**
 * The intent entry's data: the plan unless it is a dry run, the params masked, and the reason a
 * safety rule was overridden.
 */
/** The step's context with the engine it runs against (asked once per step, never fails it). */
export async function withEngine(env: ExecEnv, ctx: StepContext): Promise<StepContext> {
  if (ctx.engine || !env.deps.engine) return ctx;
  const engine = await env.deps.engine().catch(() => undefined);
  return engine ? { ...ctx, engine } : ctx;
}

async function actionIntent(
  env: ExecEnv,
  rec: Recording,
  id: string,
  ctx: StepContext,
  opts: { dryRun: boolean; overrideReason?: string; overrideMasked?: string[]; plan: boolean },
): Promise<Record<string, unknown>> {
  const actions = env.deps.actions;
  const plan = opts.dryRun || !opts.plan || !actions ? {} : await planFor(env, actions, id, ctx);
  const why = opts.overrideReason?.trim();
  return {
    kind: 'action',
    action: id,
    params: redactParams(ctx.params),
    dryRun: opts.dryRun,
    ...(ctx.engine ? { engine: ctx.engine } : {}),
    ...plan,
    ...(why && safetyBlocker(rec.state, id, ctx.params)
      ? {
          overrideReason: why,
          ...(opts.overrideMasked?.length ? { overrideReasonMasked: opts.overrideMasked } : {}),
        }
      : {}),
  };
}

/**
 * Runs (or dry-runs) an action and builds its result entry's data. What the action printed
 * (masked) is kept as a bounded tail, so its findings stay readable on screen and in the report.
 */
async function executeAction(
  env: ExecEnv,
  actions: ActionRunner,
  id: string,
  ctx: StepContext,
  dryRun: boolean,
  now: () => Date,
): Promise<Record<string, unknown>> {
  const tail = new Tail();
  const started = now();
  let cancelAskedAt: Date | undefined;
  const onAbort = () => (cancelAskedAt = now());
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const actx: StepContext = {
    ...ctx,
    onOutput: (line) => {
      const masked = env.maskOutput(line);
      tail.push(masked);
      ctx.onOutput(masked);
    },
  };
  const timing = () => ({
    durationMs: now().getTime() - started.getTime(),
    ...(cancelAskedAt ? { cancelRequestedAt: cancelAskedAt.toISOString() } : {}),
  });
  try {
    const out = dryRun ? await actions.dryRun(id, actx) : await actions.run(id, actx);
    return {
      ...(tail.lines().length > 0 ? { tail: tail.lines(), tailTruncated: tail.truncated } : {}),
      ...out.data,
      action: id,
      outcome: out.cancelled ? 'cancelled' : out.ok ? 'ok' : 'failed',
      summary: out.summary,
      dryRun,
      ...timing(),
    };
  } catch (err) {
    const cancelled = isCancellation(err, ctx.signal);
    return {
      ...(tail.lines().length > 0 ? { tail: tail.lines(), tailTruncated: tail.truncated } : {}),
      action: id,
      outcome: cancelled ? 'cancelled' : 'error',
      summary: cancelled
        ? `${CANCELLED}${err instanceof Error && !isCancellation(err) ? ` (${env.maskOutput(err.message)})` : ''}`
        : env.maskOutput(errorMessage(err)),
      dryRun,
      ...(err instanceof DockerError ? { errorKind: err.kind } : {}),
      ...(err instanceof UserError ? { errorKind: 'usage' } : {}),
      ...timing(),
    };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

export interface ActionRunOptions {
  dryRun: boolean;
  /** Already masked (operator text). */
  overrideReason?: string;
  /** What masking took out of the reason (labels, never values). */
  overrideMasked?: string[];
  now: () => Date;
}

export async function runActionStep(
  env: ExecEnv,
  rec: Recording,
  step: Step,
  ctx: StepContext,
  opts: ActionRunOptions,
): Promise<void> {
  const actions = env.deps.actions;
  const id = step.action ?? '';
  ctx = await withEngine(env, ctx);
  const known = actions?.actions.some((a) => a.id === id) === true;
  await rec.write({
    type: 'step.started',
    step: step.id,
    data: await actionIntent(env, rec, id, ctx, { ...opts, plan: known }),
  });
  if (!actions || !known) {
    await rec.write({
      type: 'step.result',
      step: step.id,
      data: {
        outcome: 'error',
        dryRun: opts.dryRun,
        summary: `action "${id}" is not available in this build`,
      },
    });
    return;
  }
  const data = await executeAction(env, actions, id, ctx, opts.dryRun, opts.now);
  if (ctx.engine) data.engine = ctx.engine;
  await rec.write({ type: 'step.result', step: step.id, data });
}

export interface AdHocRecorded {
  data: Record<string, unknown>;
  startedSeq: number;
  resultHash: string;
}

/** An action outside the runbook: `action.started` (intent, with the plan), then `action.result`. */
export async function runAdHocAction(
  env: ExecEnv,
  rec: Recording,
  actions: ActionRunner,
  actionId: string,
  ctx: StepContext,
  opts: ActionRunOptions,
): Promise<AdHocRecorded> {
  ctx = await withEngine(env, ctx);
  const started = await rec.write({
    type: 'action.started',
    data: await actionIntent(env, rec, actionId, ctx, { ...opts, plan: true }),
  });
  const data = await executeAction(env, actions, actionId, ctx, opts.dryRun, opts.now);
  data.startedSeq = started.seq;
  if (ctx.engine) data.engine = ctx.engine;
  const entry = await rec.write({ type: 'action.result', data });
  return { data, startedSeq: started.seq, resultHash: entry.hash };
}
