/**
 * isolate / unisolate. Isolate records every network attachment (network, aliases, static
 * addresses, links), disconnects from each and connects to an internal quarantine network so the
 * container keeps running for forensics but reaches nothing. The record is kept in
 * `$WARDEN_HOME/quarantine/<container id>.json` (and in the journal) so that unisolate, from any
 * session, restores exactly what was there.
 */
import { join } from 'node:path';
import { DockerError, UserError } from '../errors.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { ControlInspect, NetworkInspect } from '../engine/docker-control-port.js';
import {
  QUARANTINE_LABEL,
  QUARANTINE_NETWORK,
  failed,
  flag,
  nameOf,
  ok,
  param,
  plan,
  refOf,
  stampOf,
  type ActionDeps,
  type ContainerRef,
} from './common.js';

export interface Attachment {
  network: string;
  networkId?: string;
  aliases: string[];
  links: string[];
  /** Static addresses (IPAMConfig), restored as such. */
  ipv4Address?: string;
  ipv6Address?: string;
  /** Addresses as observed (dynamic ones may change on reconnect). */
  observedIPv4?: string;
  observedIPv6?: string;
}

export interface IsolationRecord {
  format: 'warden-isolation/1';
  session: string;
  container: ContainerRef;
  isolatedAt: string;
  quarantine: string;
  paused: boolean;
  before: Attachment[];
  restoredAt?: string;
}

/** Aliases as given by the operator: the engine adds the short id itself on every connect. */
export function attachmentsOf(c: ControlInspect): Attachment[] {
  const short = c.Id.slice(0, 12);
  return Object.entries(c.NetworkSettings?.Networks ?? {})
    .map(([network, ep]) => ({
      network,
      ...(ep.NetworkID ? { networkId: ep.NetworkID } : {}),
      aliases: (ep.Aliases ?? []).filter((a) => a !== short && a !== c.Id),
      links: ep.Links ?? [],
      ...(ep.IPAMConfig?.IPv4Address ? { ipv4Address: ep.IPAMConfig.IPv4Address } : {}),
      ...(ep.IPAMConfig?.IPv6Address ? { ipv6Address: ep.IPAMConfig.IPv6Address } : {}),
      ...(ep.IPAddress ? { observedIPv4: ep.IPAddress } : {}),
      ...(ep.GlobalIPv6Address ? { observedIPv6: ep.GlobalIPv6Address } : {}),
    }))
    .sort((a, b) => a.network.localeCompare(b.network));
}

function recordPath(deps: ActionDeps, containerId: string): string {
  return join(deps.home, 'quarantine', `${containerId}.json`);
}

function unsupportedMode(c: ControlInspect): string | undefined {
  const mode = c.HostConfig?.NetworkMode ?? '';
  if (mode === 'host')
    return `${nameOf(c)} uses --network host: it shares the host's network and cannot be isolated by moving networks; pause or stop it instead (warden pause|stop ${nameOf(c)})`;
  if (mode.startsWith('container:'))
    return `${nameOf(c)} shares the network of ${mode.slice('container:'.length)}: isolate that container, or pause or stop this one`;
  return undefined;
}

async function ensureQuarantine(
  deps: ActionDeps,
  name: string,
): Promise<{ net: NetworkInspect; created: boolean }> {
  const docker = deps.docker();
  try {
    const net = await docker.inspectNetwork(name);
    if (!net.Internal)
      throw new UserError(
        `network ${name} exists but is not internal: refusing to use it as quarantine`,
        `remove it (docker network rm ${name}) so warden can create an internal one`,
      );
    return { net, created: false };
  } catch (err) {
    if (!(err instanceof DockerError && err.kind === 'not-found')) throw err;
  }
  await docker.createNetwork({
    name,
    internal: true,
    labels: { [QUARANTINE_LABEL]: 'true', 'io.warden.purpose': 'incident quarantine, no egress' },
  });
  return { net: await docker.inspectNetwork(name), created: true };
}

export async function isolateDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const c = await deps.docker().inspectDetailed(param(ctx, 'container'));
  const q = deps.quarantineNetwork ?? QUARANTINE_NETWORK;
  const before = attachmentsOf(c);
  const why = unsupportedMode(c);
  if (why)
    return {
      ok: false,
      summary: why,
      data: { action: 'isolate', container: refOf(c), before, offer: ['pause', 'stop'] },
    };
  const id = c.Id.slice(0, 12);
  const calls = [
    `GET /networks/${q} (POST /networks/create {Name: ${q}, Internal: true} when missing)`,
    ...before
      .filter((a) => a.network !== q)
      .map((a) => `POST /networks/${a.network}/disconnect {Container: ${id}}`),
    `POST /networks/${q}/connect {Container: ${id}}`,
    ...(flag(ctx, 'pause') ? [`POST /containers/${id}/pause`] : []),
  ];
  const ports = Object.entries(c.NetworkSettings?.Ports ?? {})
    .filter(([, b]) => b && b.length)
    .map(
      ([p, b]) =>
        `${(b ?? []).map((x) => `${x.HostIp || '0.0.0.0'}:${x.HostPort}`).join(',')}->${p}`,
    );
  const radius =
    `${nameOf(c)} loses ${before.map((a) => a.network).join(', ') || 'no networks'}` +
    (ports.length ? `; published ports stop answering (${ports.join(' ')})` : '') +
    `; peers on those networks lose it by name and alias`;
  return plan('isolate', refOf(c), calls, radius, { before, quarantine: q });
}

export async function isolate(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await docker.inspectDetailed(param(ctx, 'container'));
  const ref = refOf(c);
  const q = deps.quarantineNetwork ?? QUARANTINE_NETWORK;
  const before = attachmentsOf(c);
  const why = unsupportedMode(c);
  if (why)
    return failed(why, { action: 'isolate', container: ref, before, offer: ['pause', 'stop'] });

  const { net, created } = await ensureQuarantine(deps, q);
  const seen = before.filter((a) => a.network !== q);
  // Written down before anything changes: unisolate needs it even if we crash halfway.
  const path = recordPath(deps, ref.id);
  await deps.files.mkdirPrivate(join(deps.home, 'quarantine'));
  const prior = await priorRecord(deps, path);
  let record: IsolationRecord;
  if (prior.record) {
    // A retry (after a partial isolate, or of a finished one): the earlier record holds the
    // networks already left. Keep it whole; add only networks it does not know yet.
    const known = new Set([...prior.record.before.map((a) => a.network), prior.record.quarantine]);
    const added = seen.filter((a) => !known.has(a.network));
    record = {
      ...prior.record,
      quarantine: q,
      paused: prior.record.paused || flag(ctx, 'pause'),
      before: [...prior.record.before, ...added].sort((a, b) => a.network.localeCompare(b.network)),
    };
    if (added.length || record.paused !== prior.record.paused || q !== prior.record.quarantine)
      await deps.files.writeFile(path, JSON.stringify(record, null, 2) + '\n');
  } else {
    if (prior.exists) {
      // Unreadable, or already restored: set it aside, it describes no current isolation.
      const old = join(
        deps.home,
        'quarantine',
        `${ref.id}.${stampOf(deps.clock.now())}.superseded.json`,
      );
      await deps.files.writeFile(old, await deps.files.readFile(path));
      await deps.files.remove(path);
    }
    record = {
      format: 'warden-isolation/1',
      session: ctx.sessionId,
      container: ref,
      isolatedAt: deps.clock.now().toISOString(),
      quarantine: q,
      paused: flag(ctx, 'pause'),
      before: seen,
    };
    await deps.files.writeFile(path, JSON.stringify(record, null, 2) + '\n');
  }
  for (const a of seen) {
    ctx.onOutput(`disconnecting from ${a.network}`);
    await docker.disconnectNetwork(a.network, ref.id, true);
  }
  if (!before.some((a) => a.network === q)) {
    ctx.onOutput(`connecting to ${q} (internal)`);
    await docker.connectNetwork(q, ref.id);
  }
  if (record.paused && !c.State?.Paused && c.State?.Running) {
    ctx.onOutput('pausing');
    await docker.pauseContainer(ref.id);
  }
  const after = await docker.inspectDetailed(ref.id);
  const afterNets = Object.keys(after.NetworkSettings?.Networks ?? {});
  const clean = afterNets.length === 1 && afterNets[0] === q;
  const data = {
    action: 'isolate',
    container: ref,
    before: record.before,
    after: afterNets,
    quarantine: { name: q, id: net.Id, created },
    paused: after.State?.Paused === true,
    record: path,
  };
  if (!clean)
    return failed(
      `${ref.name} is still attached to ${afterNets.filter((n) => n !== q).join(', ')}`,
      data,
    );
  return ok(
    `${ref.name} isolated: left ${record.before.map((a) => a.network).join(', ') || 'no networks'}; now only on ${q}${data.paused ? ', paused' : ''}`,
    data,
  );
}

/** The record already on disk, when it describes an isolation not yet undone. */
async function priorRecord(
  deps: ActionDeps,
  path: string,
): Promise<{ exists: boolean; record?: IsolationRecord }> {
  if (!(await deps.files.exists(path))) return { exists: false };
  try {
    const rec = JSON.parse((await deps.files.readFile(path)).toString('utf8')) as IsolationRecord;
    if (rec.format === 'warden-isolation/1' && Array.isArray(rec.before) && !rec.restoredAt)
      return { exists: true, record: rec };
  } catch {
    // Unreadable: set aside by the caller.
  }
  return { exists: true };
}

async function readRecord(deps: ActionDeps, id: string): Promise<IsolationRecord | undefined> {
  const path = recordPath(deps, id);
  if (!(await deps.files.exists(path))) return undefined;
  return JSON.parse((await deps.files.readFile(path)).toString('utf8')) as IsolationRecord;
}

export async function unisolateDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const c = await deps.docker().inspectDetailed(param(ctx, 'container'));
  const rec = await readRecord(deps, c.Id);
  if (!rec)
    return failed(`no isolation record for ${nameOf(c)}`, {
      action: 'unisolate',
      container: refOf(c),
    });
  const id = c.Id.slice(0, 12);
  return plan(
    'unisolate',
    refOf(c),
    [
      ...(c.State?.Paused ? [`POST /containers/${id}/unpause`] : []),
      ...rec.before.map(
        (a) =>
          `POST /networks/${a.network}/connect {Container: ${id}, Aliases: [${a.aliases.join(', ')}]${a.ipv4Address ? `, IPv4Address: ${a.ipv4Address}` : ''}}`,
      ),
      `POST /networks/${rec.quarantine}/disconnect {Container: ${id}}`,
    ],
    `none lost; ${nameOf(c)} becomes reachable again on ${rec.before.map((a) => a.network).join(', ')}`,
    { before: rec.before },
  );
}

export async function unisolate(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await docker.inspectDetailed(param(ctx, 'container'));
  const ref = refOf(c);
  const rec = await readRecord(deps, c.Id);
  if (!rec)
    return failed(
      `no isolation record for ${ref.name} in ${join(deps.home, 'quarantine')}: was it isolated by warden?`,
      { action: 'unisolate', container: ref },
    );
  if (c.State?.Paused) {
    ctx.onOutput('unpausing');
    await docker.unpauseContainer(ref.id);
  }
  const current = new Set(Object.keys(c.NetworkSettings?.Networks ?? {}));
  for (const a of rec.before) {
    if (current.has(a.network)) continue;
    ctx.onOutput(`reconnecting to ${a.network}`);
    await docker.connectNetwork(a.network, ref.id, {
      aliases: a.aliases,
      links: a.links,
      ipv4Address: a.ipv4Address,
      ipv6Address: a.ipv6Address,
    });
  }
  if (current.has(rec.quarantine)) {
    ctx.onOutput(`leaving ${rec.quarantine}`);
    await docker.disconnectNetwork(rec.quarantine, ref.id, true);
  }
  const after = await docker.inspectDetailed(ref.id);
  const now = attachmentsOf(after);
  const missing = rec.before.filter((b) => {
    const n = now.find((x) => x.network === b.network);
    return (
      !n ||
      [...n.aliases].sort().join(',') !== [...b.aliases].sort().join(',') ||
      (b.ipv4Address ?? '') !== (n.ipv4Address ?? '') ||
      (b.ipv6Address ?? '') !== (n.ipv6Address ?? '')
    );
  });
  const path = recordPath(deps, ref.id);
  const data = {
    action: 'unisolate',
    container: ref,
    restored: rec.before,
    after: now,
    isolatedIn: rec.session,
    paused: after.State?.Paused === true,
  };
  if (missing.length)
    return failed(`could not restore ${missing.map((m) => m.network).join(', ')} exactly`, data);
  const done: IsolationRecord = { ...rec, restoredAt: deps.clock.now().toISOString() };
  await deps.files.writeFile(
    join(deps.home, 'quarantine', `${ref.id}.${stampOf(deps.clock.now())}.restored.json`),
    JSON.stringify(done, null, 2) + '\n',
  );
  await deps.files.remove(path);
  return ok(
    `${ref.name} restored to ${rec.before.map((a) => a.network).join(', ') || 'no networks'}; left ${rec.quarantine}`,
    data,
  );
}
