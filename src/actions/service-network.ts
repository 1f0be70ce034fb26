/**
 * service-network-rm and service-network-restore: a swarm service taken off one network (as
 * `docker service update --network-rm` does), with the attachment (aliases, driver options, its
 * place in the list) and every network before recorded first (service-record.ts), and put back
 * exactly. The swarm applies it by a rolling update: each task is replaced by one without (or
 * with) that network. The routing mesh (`ingress`) is not a network of the spec: it comes with
 * published ports.
 */
import { DockerError } from '../errors.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { SwarmNetworkAttachment, SwarmServiceDetail } from '../engine/docker-swarm-port.js';
import type { NetworkInspect } from '../engine/docker-control-port.js';
import { failed, ok, param, plan, type ActionDeps } from './common.js';
import {
  closeServiceRecord,
  networksOf,
  readServiceRecord,
  serviceRecordPath,
  serviceRef,
  specCopy,
  swarmControl,
  versionOf,
  writeServiceRecord,
} from './service-record.js';

const matches = (a: SwarmNetworkAttachment, n: { Id: string; Name: string }) =>
  a.Target === n.Id || a.Target === n.Name || (!!a.Target && n.Id.startsWith(a.Target));

/** The service, the network, and where the network sits in the service's list. */
async function lookUp(deps: ActionDeps, ctx: StepContext) {
  const s = await swarmControl(deps).inspectService(param(ctx, 'service'));
  const want = param(ctx, 'network');
  let net: NetworkInspect | undefined;
  try {
    net = await deps.docker().inspectNetwork(want);
  } catch (err) {
    if (!(err instanceof DockerError && err.kind === 'not-found')) throw err;
  }
  const list = networksOf(s.Spec).list;
  const index = net ? list.findIndex((a) => matches(a, net)) : -1;
  return { s, ref: serviceRef(s), want, net, list, index };
}

async function namesOf(deps: ActionDeps, list: SwarmNetworkAttachment[]) {
  const out: { id: string; name?: string; aliases: string[] }[] = [];
  for (const a of list) {
    const id = a.Target ?? '';
    const name = await deps
      .docker()
      .inspectNetwork(id)
      .then((n) => n.Name)
      .catch(() => undefined);
    out.push({ id, ...(name ? { name } : {}), aliases: a.Aliases ?? [] });
  }
  return out;
}

function ingressRefusal(service: string): string {
  return `ingress is the routing mesh: ${service} is on it through its published ports, not its networks; remove those (docker service update --publish-rm PORT ${service}) or scale it to 0 (warden scale-to-zero ${service} --yes)`;
}

export async function serviceNetworkRmDryRun(deps: ActionDeps, ctx: StepContext) {
  const { s, ref, want, net, list, index } = await lookUp(deps, ctx);
  const base = { action: 'service-network-rm', service: ref, network: want };
  if (net?.Ingress || want === 'ingress') return failed(ingressRefusal(ref.name), base);
  if (!net || index < 0)
    return failed(`${ref.name} is not on network ${want}`, {
      ...base,
      networks: await namesOf(deps, list),
    });
  return plan(
    'service-network-rm',
    undefined,
    [
      `GET /services/${ref.name}`,
      `POST /services/${s.ID.slice(0, 12)}/update?version=${versionOf(s)} {TaskTemplate.Networks without ${net.Name} (${net.Id.slice(0, 12)}); the rest of the spec as read}`,
    ],
    `every task of ${ref.name} is replaced (a rolling update: the running containers stop, their memory is lost; snapshot a task first: warden snapshot --task ${ref.name}.1) by one that is not on ${net.Name}; what reaches ${ref.name} over ${net.Name} (its name and VIP there) no longer does`,
    { ...base, before: await namesOf(deps, list) },
  );
}

export async function serviceNetworkRm(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const { s, ref, want, net, list, index } = await lookUp(deps, ctx);
  const base = { action: 'service-network-rm', service: ref, network: want };
  if (net?.Ingress || want === 'ingress') return failed(ingressRefusal(ref.name), base);
  const path = net ? serviceRecordPath(deps, s.ID, { network: net.Id }) : undefined;
  const prior = path ? await readServiceRecord(deps, path) : undefined;
  if (!net || index < 0) {
    if (prior)
      return ok(
        `${ref.name} is already off ${want} (recorded in session ${prior.session}: warden service-network-restore ${ref.name} ${want} puts it back)`,
        { ...base, record: path },
      );
    return failed(`${ref.name} is not on network ${want}`, {
      ...base,
      networks: await namesOf(deps, list),
    });
  }
  if (ctx.signal.aborted)
    return {
      ok: false,
      cancelled: true,
      summary: `cancelled by the operator before the update: ${ref.name} is still on ${net.Name}`,
      data: base,
    };
  const before = await namesOf(deps, list);
  const version = versionOf(s);
  // Written down before anything changes: the way back needs the attachment exactly.
  await writeServiceRecord(deps, path!, {
    format: 'warden-service/1',
    kind: 'network',
    session: ctx.sessionId,
    service: ref,
    at: deps.clock.now().toISOString(),
    version,
    network: { id: net.Id, name: net.Name, attachment: list[index]!, index },
    networksBefore: before,
  });
  const spec = specCopy(s);
  const nets = networksOf(spec);
  nets.set(nets.list.filter((_, i) => i !== index));
  ctx.onOutput(`taking ${ref.name} off ${net.Name} (spec version ${version})`);
  await swarmControl(deps).updateService(s.ID, version, spec);
  const after = networksOf((await swarmControl(deps).inspectService(s.ID)).Spec).list;
  const data = {
    ...base,
    networkId: net.Id,
    before,
    after: await namesOf(deps, after),
    record: path,
  };
  if (after.some((a) => matches(a, net)))
    return failed(`${ref.name} is still on ${net.Name} after the update`, data);
  return ok(
    `${ref.name} taken off ${net.Name}: the swarm replaces its tasks with ones not on it (recorded: warden service-network-restore ${ref.name} ${net.Name} puts it back)`,
    data,
  );
}

/** The record of the service leaving `network` (by name or id, as it was recorded). */
async function recordFor(deps: ActionDeps, s: SwarmServiceDetail, want: string) {
  const id = await deps
    .docker()
    .inspectNetwork(want)
    .then((n) => n.Id)
    .catch(() => want);
  const path = serviceRecordPath(deps, s.ID, { network: id });
  return { path, rec: await readServiceRecord(deps, path) };
}

export async function serviceNetworkRestoreDryRun(deps: ActionDeps, ctx: StepContext) {
  const s = await swarmControl(deps).inspectService(param(ctx, 'service'));
  const ref = serviceRef(s);
  const want = param(ctx, 'network');
  const { rec } = await recordFor(deps, s, want);
  if (!rec?.network)
    return failed(`no record of ${ref.name} leaving ${want}`, {
      action: 'service-network-restore',
      service: ref,
      network: want,
    });
  return plan(
    'service-network-restore',
    undefined,
    [
      `POST /services/${s.ID.slice(0, 12)}/update?version=${versionOf(s)} {TaskTemplate.Networks with ${rec.network.name} back at position ${rec.network.index + 1}, aliases [${(rec.network.attachment.Aliases ?? []).join(', ')}]}`,
    ],
    `none lost; every task of ${ref.name} is replaced by one on ${rec.network.name} again (a rolling update)`,
    { service: ref, network: rec.network },
  );
}

export async function serviceNetworkRestore(
  deps: ActionDeps,
  ctx: StepContext,
): Promise<ActionOutcome> {
  const swarm = swarmControl(deps);
  const s = await swarm.inspectService(param(ctx, 'service'));
  const ref = serviceRef(s);
  const want = param(ctx, 'network');
  const base = { action: 'service-network-restore', service: ref, network: want };
  const { path, rec } = await recordFor(deps, s, want);
  if (!rec?.network)
    return failed(
      `no record of ${ref.name} leaving ${want} in the quarantine directory: add it by hand (docker service update --network-add ${want} ${ref.name})`,
      base,
    );
  const { id, name, attachment, index } = rec.network;
  const spec = specCopy(s);
  const nets = networksOf(spec);
  const on = nets.list.some((a) => a.Target === id || a.Target === attachment.Target);
  if (!on) {
    const next = [...nets.list];
    next.splice(Math.min(index, next.length), 0, attachment);
    nets.set(next);
    ctx.onOutput(`putting ${ref.name} back on ${name}`);
    await swarm.updateService(s.ID, versionOf(s), spec);
  }
  const after = networksOf((await swarm.inspectService(s.ID)).Spec).list;
  const data = {
    ...base,
    networkId: id,
    after: await namesOf(deps, after),
    recordedIn: rec.session,
  };
  if (!after.some((a) => a.Target === id || a.Target === attachment.Target))
    return failed(`${ref.name} is not on ${name} after the update`, data);
  const kept = await closeServiceRecord(deps, path, rec);
  return ok(
    `${ref.name} is on ${name} again${on ? ' (it already was)' : ''}, with aliases [${(attachment.Aliases ?? []).join(', ')}]; the swarm replaces its tasks with ones on it`,
    { ...data, record: kept },
  );
}
