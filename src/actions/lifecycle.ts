/** pause / unpause / stop / restart / kill / eradicate: one engine call each, before and after recorded. */
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { DockerPort } from '../engine/ports.js';
import {
  failed,
  nameOf,
  ok,
  optParam,
  param,
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
  const c = await deps.docker().inspectDetailed(param(ctx, 'container'));
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
  const c = await docker.inspectDetailed(param(ctx, 'container'));
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
  if (verb === 'stop' || verb === 'restart')
    // The engine waits this long for a graceful exit before SIGKILL: say so, not just a spinner.
    ctx.onOutput(
      `${verb}: SIGTERM, then SIGKILL after ${timeout(ctx) ?? 10} s if it does not exit`,
    );
  await act(docker, verb, ref.id, ctx);
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
    `${ref.name}: ${before.status} → ${after.status}${verb === 'kill' ? ` (signal ${String(extra.signal)})` : ''}`,
    data,
  );
}
