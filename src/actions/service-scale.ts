/**
 * scale-to-zero and unscale: a replicated swarm service's replica count set to 0 (every task
 * stops; the service, its spec, networks and volumes stay), with the count before recorded first
 * (service-record.ts), and set back to exactly that. Through the engine API: the spec read, copied,
 * changed in one field and written back with its version index. A global service has no count.
 */
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import { failed, ok, optParam, param, plan, type ActionDeps } from './common.js';
import {
  closeServiceRecord,
  modeOf,
  readServiceRecord,
  serviceRecordPath,
  serviceRef,
  specCopy,
  swarmControl,
  versionOf,
  writeServiceRecord,
} from './service-record.js';
import type { SwarmServiceDetail } from '../engine/docker-swarm-port.js';

function replicasOf(s: SwarmServiceDetail): number {
  return s.Spec.Mode?.Replicated?.Replicas ?? 1;
}

/** Why the service cannot be scaled, with what to do instead; undefined for a replicated one. */
function unscalable(s: SwarmServiceDetail): string | undefined {
  const mode = modeOf(s.Spec);
  const name = serviceRef(s).name;
  if (mode === 'replicated') return undefined;
  if (mode === 'global')
    return `${name} is a global service (one task on every node): it has no replica count to scale to 0; instead take it off its networks (warden service-network-rm ${name} NETWORK --yes), isolate its tasks one by one (warden isolate --task ${name}.NODE --yes), or remove it (docker service rm ${name})`;
  return `${name} is a ${mode} service: a job has no replica count to scale; remove it (docker service rm ${name}) or wait for its tasks to end`;
}

async function runningTasks(deps: ActionDeps, s: SwarmServiceDetail): Promise<number> {
  const rows = await swarmControl(deps).listTasks({
    service: [s.ID],
    'desired-state': ['running'],
  });
  return rows.filter((t) => t.Status?.State === 'running').length;
}

export async function scaleToZeroDryRun(deps: ActionDeps, ctx: StepContext) {
  const s = await swarmControl(deps).inspectService(param(ctx, 'service'));
  const ref = serviceRef(s);
  const why = unscalable(s);
  if (why) return failed(why, { action: 'scale-to-zero', service: ref, mode: modeOf(s.Spec) });
  const n = replicasOf(s);
  return plan(
    'scale-to-zero',
    undefined,
    [
      `GET /services/${ref.name}`,
      `POST /services/${s.ID.slice(0, 12)}/update?version=${versionOf(s)} {Mode.Replicated.Replicas: 0; the rest of the spec as read}`,
    ],
    `every task of ${ref.name} stops (${n} replica${n === 1 ? '' : 's'} now): their processes and memory are lost (snapshot a task first: warden snapshot --task ${ref.name}.1), what they serve goes down and published ports stop answering; the service, its spec, networks and volumes stay`,
    { service: ref, before: { mode: 'replicated', replicas: n } },
  );
}

export async function scaleToZero(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const swarm = swarmControl(deps);
  const s = await swarm.inspectService(param(ctx, 'service'));
  const ref = serviceRef(s);
  const base = { action: 'scale-to-zero', service: ref, mode: modeOf(s.Spec) };
  const why = unscalable(s);
  if (why) return failed(why, base);
  const path = serviceRecordPath(deps, s.ID, 'scale');
  const prior = await readServiceRecord(deps, path);
  const n = replicasOf(s);
  if (n === 0)
    return ok(
      prior
        ? `${ref.name} is already at 0 replicas; the record keeps ${prior.replicas} (from session ${prior.session}): warden unscale ${ref.name} restores it`
        : `${ref.name} is already at 0 replicas: nothing changed, nothing to restore`,
      {
        ...base,
        before: { replicas: 0 },
        after: { replicas: 0 },
        record: prior ? path : undefined,
      },
    );
  if (ctx.signal.aborted)
    return {
      ok: false,
      cancelled: true,
      summary: `cancelled by the operator before the update: ${ref.name} still has ${n} replicas`,
      data: { ...base, before: { replicas: n } },
    };
  const version = versionOf(s);
  // Written down before anything changes: unscale needs it even after a crash.
  await writeServiceRecord(deps, path, {
    format: 'warden-service/1',
    kind: 'scale',
    session: ctx.sessionId,
    service: ref,
    at: deps.clock.now().toISOString(),
    replicas: n,
    version,
  });
  const spec = specCopy(s);
  spec.Mode = { ...spec.Mode, Replicated: { ...spec.Mode?.Replicated, Replicas: 0 } };
  ctx.onOutput(`scaling ${ref.name} from ${n} to 0 (spec version ${version})`);
  await swarm.updateService(s.ID, version, spec);
  const after = await swarm.inspectService(s.ID);
  const data = {
    ...base,
    before: { replicas: n, version },
    after: { replicas: replicasOf(after) },
    record: path,
    stillRunning: await runningTasks(deps, after),
  };
  if (replicasOf(after) !== 0)
    return failed(
      `${ref.name} still asks for ${replicasOf(after)} replicas after the update`,
      data,
    );
  return ok(
    `${ref.name} scaled from ${n} to 0 (recorded: warden unscale ${ref.name} restores ${n}); the swarm is stopping its tasks (${data.stillRunning} still running)`,
    data,
  );
}

/** What unscale sets the count to: `replicas` when given, else the recorded count. */
async function target(deps: ActionDeps, ctx: StepContext, s: SwarmServiceDetail) {
  const path = serviceRecordPath(deps, s.ID, 'scale');
  const rec = await readServiceRecord(deps, path);
  const given = optParam(ctx, 'replicas');
  const n = given !== undefined && /^\d+$/.test(given) ? Number(given) : rec?.replicas;
  return { path, rec, n };
}

export async function unscaleDryRun(deps: ActionDeps, ctx: StepContext) {
  const s = await swarmControl(deps).inspectService(param(ctx, 'service'));
  const ref = serviceRef(s);
  const { rec, n } = await target(deps, ctx, s);
  if (n === undefined)
    return failed(`no scale record for ${ref.name}: give the count (--replicas N)`, {
      action: 'unscale',
      service: ref,
    });
  return plan(
    'unscale',
    undefined,
    [
      `POST /services/${s.ID.slice(0, 12)}/update?version=${versionOf(s)} {Mode.Replicated.Replicas: ${n}}`,
    ],
    `none lost; ${ref.name} starts ${n} task(s) again on its networks`,
    { service: ref, replicas: n, ...(rec ? { recordedIn: rec.session } : {}) },
  );
}

export async function unscale(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const swarm = swarmControl(deps);
  const s = await swarm.inspectService(param(ctx, 'service'));
  const ref = serviceRef(s);
  const base = { action: 'unscale', service: ref };
  const why = unscalable(s);
  if (why) return failed(why, base);
  const { path, rec, n } = await target(deps, ctx, s);
  if (n === undefined)
    return failed(
      `no scale record for ${ref.name} in the quarantine directory: was it scaled to 0 by warden? give the count (--replicas N)`,
      base,
    );
  const now = replicasOf(s);
  const data = { ...base, before: { replicas: now }, replicas: n, recordedIn: rec?.session };
  if (now !== n) {
    if (ctx.signal.aborted)
      return {
        ok: false,
        cancelled: true,
        summary: `cancelled by the operator before the update: ${ref.name} still has ${now} replicas`,
        data,
      };
    const spec = specCopy(s);
    spec.Mode = { ...spec.Mode, Replicated: { ...spec.Mode?.Replicated, Replicas: n } };
    ctx.onOutput(`scaling ${ref.name} from ${now} to ${n}`);
    await swarm.updateService(s.ID, versionOf(s), spec);
    const after = replicasOf(await swarm.inspectService(s.ID));
    if (after !== n)
      return failed(`${ref.name} asks for ${after} replicas after the update, not ${n}`, {
        ...data,
        after: { replicas: after },
      });
  }
  const kept = rec ? await closeServiceRecord(deps, path, rec) : undefined;
  return ok(
    `${ref.name} scaled from ${now} to ${n}${rec ? ` (as recorded in session ${rec.session})` : ''}`,
    { ...data, after: { replicas: n }, ...(kept ? { record: kept } : {}) },
  );
}
