/** pause / unpause / stop / restart / kill / eradicate: one engine call each, before and after recorded. */
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { DockerPort } from '../engine/ports.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import {
  failed,
  inspectTarget,
  nameOf,
  ok,
  optParam,
  plan,
  refOf,
  status,
  type ActionDeps,
} from './common.js';

export type LifecycleVerb = 'pause' | 'unpause' | 'stop' | 'restart' | 'kill' | 'eradicate';

const CALL: Record<LifecycleVerb, (id: string, ctx: StepContext) => string> = {
  pause: (id) => `POST /containers/${id}/pause`,
  unpause: (id) => `POST /containers/${id}/unpause`,
  stop: (id, ctx) => `POST /containers/${id}/stop?t=${optParam(ctx, 'timeout') ?? '10'}`,
  restart: (id, ctx) => `POST /containers/${id}/restart?t=${optParam(ctx, 'timeout') ?? '10'}`,
  kill: (id, ctx) => `POST /containers/${id}/kill?signal=${optParam(ctx, 'signal') ?? 'SIGKILL'}`,
  eradicate: (id) => `DELETE /containers/${id}?force=1 (volumes kept)`,
};

const RADIUS: Record<LifecycleVerb, string> = {
  pause: 'every process of the container freezes; its connections hang until unpaused',
  unpause: 'none lost; processes resume',
  stop: 'the container and everything it serves go down',
  restart: 'the container and everything it serves go down briefly; in-memory state is lost',
  kill: 'the container gets the signal; with SIGKILL it dies at once, in-memory state is lost',
  eradicate:
    'the container is deleted for good (its volumes and image stay); in-memory state is lost',
};

function timeout(ctx: StepContext): number | undefined {
  const t = optParam(ctx, 'timeout');
  return t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
}

/** Seconds the engine waits for a graceful exit before SIGKILL: the param, the container's, 10. */
function graceOf(ctx: StepContext, c: ControlInspect): number {
  return timeout(ctx) ?? c.Config?.StopTimeout ?? 10;
}

async function act(docker: DockerPort, verb: LifecycleVerb, id: string, ctx: StepContext) {
  switch (verb) {
    case 'pause':
      return docker.pauseContainer(id);
    case 'unpause':
      return docker.unpauseContainer(id);
    case 'stop':
      return docker.stopContainer(id, timeout(ctx));
    case 'restart':
      return docker.restartContainer(id, timeout(ctx));
    case 'kill':
      return docker.killContainer(id, optParam(ctx, 'signal') ?? 'SIGKILL');
    case 'eradicate':
      return docker.removeContainer(id, { force: true });
  }
}

export async function lifecycleDryRun(
  deps: ActionDeps,
  verb: LifecycleVerb,
  ctx: StepContext,
): Promise<ActionOutcome> {
  const c = await inspectTarget(deps.docker(), ctx);
  return plan(
    verb,
    refOf(c),
    [CALL[verb](c.Id.slice(0, 12), ctx)],
    `${nameOf(c)}: ${RADIUS[verb]}`,
    {
      before: { status: status(c) },
      ...(verb === 'kill' ? { signal: optParam(ctx, 'signal') ?? 'SIGKILL' } : {}),
    },
  );
}

export async function lifecycle(
  deps: ActionDeps,
  verb: LifecycleVerb,
  ctx: StepContext,
): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const before = { status: status(c) };
  const extra: Record<string, unknown> =
    verb === 'kill' ? { signal: optParam(ctx, 'signal') ?? 'SIGKILL' } : {};
  if (verb === 'eradicate') {
    extra.imageId = c.Image;
    extra.reason = optParam(ctx, 'reason');
  }
  if (verb === 'pause' && before.status === 'paused')
    return ok(`${ref.name} was already paused`, {
      action: verb,
      container: ref,
      before,
      after: before,
    });
  if (verb === 'unpause' && before.status !== 'paused')
    return ok(`${ref.name} was not paused`, {
      action: verb,
      container: ref,
      before,
      after: before,
    });
  if (verb === 'stop' && before.status === 'exited')
    return ok(`${ref.name} was already stopped`, {
      action: verb,
      container: ref,
      before,
      after: before,
    });
  if (ctx.signal.aborted)
    return {
      ok: false,
      cancelled: true,
      summary: `cancelled by the operator before ${verb}: ${ref.name} was not touched (${before.status})`,
      data: { action: verb, container: ref, before, after: before, ...extra },
    };
  // A stop cannot be called back once the engine has it: on cancel, say so and wait for it.
  let uncancellable: string | undefined;
  if (verb === 'stop' || verb === 'restart') {
    const grace = graceOf(ctx, c);
    const deadline = new Date(deps.clock.now().getTime() + grace * 1000).toISOString();
    const sig = c.Config?.StopSignal || 'SIGTERM';
    ctx.onOutput(`${verb}: ${sig} now, SIGKILL after ${grace} s if ${ref.name} has not exited`);
    ctx.onProgress?.({ label: verb, deadline, deadlineLabel: 'SIGKILL' });
    const onAbort = () => {
      uncancellable = `the engine has sent ${sig} and cannot be called back: it sends SIGKILL at ${deadline} unless ${ref.name} exits first`;
      ctx.onOutput(`! ${uncancellable}; waiting for it`);
      ctx.onProgress?.({ label: verb, deadline, deadlineLabel: 'SIGKILL', uncancellable });
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await act(docker, verb, ref.id, ctx);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (uncancellable) extra.cancelNotHonoured = uncancellable;
  } else await act(docker, verb, ref.id, ctx);
  if (verb === 'eradicate')
    return ok(
      `${ref.name} removed (volumes and image ${String(c.Image ?? '').slice(7, 19)} kept)`,
      {
        action: verb,
        container: ref,
        before,
        after: { status: 'removed' },
        ...extra,
      },
    );
  const after = { status: status(await docker.inspectDetailed(ref.id)) };
  const want: Partial<Record<LifecycleVerb, string[]>> = {
    pause: ['paused'],
    unpause: ['running'],
    stop: ['exited'],
    restart: ['running', 'restarting'],
  };
  const expected = want[verb];
  const data = { action: verb, container: ref, before, after, ...extra };
  if (expected && !expected.includes(after.status))
    return failed(`${ref.name} is ${after.status} after ${verb}`, data);
  return ok(
    `${ref.name}: ${before.status} → ${after.status}${verb === 'kill' ? ` (signal ${String(extra.signal)})` : ''}${uncancellable ? ` (the cancel came while the engine was stopping it and could not call it back)` : ''}`,
    data,
  );
}
