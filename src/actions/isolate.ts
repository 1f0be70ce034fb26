/**
 * isolate / unisolate. Isolation takes the container off every network it is on, so it is left
 * with its loopback interface only: it keeps running (and `docker exec` works) for forensics, but
 * it reaches nothing and nothing reaches it: not the host, not any bridge gateway, not its former
 * neighbours, not other isolated containers, not the outside. (An `--internal` quarantine network,
 * as earlier versions used, still routes to the host on its gateway and between its members.) It
 * needs nothing but the Engine API, so it works on remote engines too.
 *
 * Every attachment (network, aliases, static addresses, links) is written down first, in
 * `$WARDEN_HOME/quarantine/<container id>.json` and in the journal, so unisolate, from any session
 * and after a crash, restores exactly what was there, or gives a replacement container the
 * original's network plan.
 */
import { join } from 'node:path';
import { DockerError, errorMessage } from '../errors.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import type { DockerPort } from '../engine/ports.js';
import {
  QUARANTINE_NETWORK,
  failed,
  flag,
  inspectTarget,
  nameOf,
  ok,
  optParam,
  plan,
  refOf,
  stampOf,
  type ActionDeps,
  type ContainerRef,
} from './common.js';
import { reconnectPlan, type ReconnectStep } from './reconnect.js';

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
  /** `/2`: no network at all. `/1` (earlier versions): moved to an internal quarantine network. */
  format: 'warden-isolation/1' | 'warden-isolation/2';
  session: string;
  container: ContainerRef;
  isolatedAt: string;
  method?: 'no-network';
  /** `/1` only: the quarantine network the container was moved to. */
  quarantine?: string;
  paused: boolean;
  before: Attachment[];
  /** Published ports before isolation (they stop answering while isolated). */
  ports?: string[];
  restoredAt?: string;
  /** When a replacement container got the plan instead of the original. */
  restoredTo?: ContainerRef;
}

/** What the engine shows after isolation: the equivalent of probing from inside, recorded. */
export interface IsolationCheck {
  /** Networks the container is still attached to (must be none). */
  networks: string[];
  /** Published ports still bound (must be none). */
  publishedPorts: string[];
  /** Each former network, and whether its endpoint list still holds the container. */
  formerNetworks: { network: string; stillListed: boolean | 'unknown' }[];
  running: boolean;
  /** True when nothing above leaves a path in or out. */
  sealed: boolean;
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

/** `127.0.0.1:8080->80/tcp` for every published port that is bound. */
export function publishedPorts(c: ControlInspect): string[] {
  return Object.entries(c.NetworkSettings?.Ports ?? {})
    .filter(([, b]) => b && b.length)
    .map(
      ([p, b]) =>
        `${(b ?? []).map((x) => `${x.HostIp || '0.0.0.0'}:${x.HostPort}`).join(',')}->${p}`,
    );
}

export function recordPath(deps: ActionDeps, containerId: string): string {
  return join(deps.home, 'quarantine', `${containerId}.json`);
}

function legacyQuarantine(deps: ActionDeps): string {
  return deps.quarantineNetwork ?? QUARANTINE_NETWORK;
}

/** Containers that share the network stack of the host or of another container cannot be cut off. */
export function unsupportedMode(c: ControlInspect): string | undefined {
  const mode = c.HostConfig?.NetworkMode ?? '';
  if (mode === 'host')
    return `${nameOf(c)} uses --network host: it shares the host's network and cannot be isolated by taking networks away; pause or stop it instead (warden pause|stop ${nameOf(c)})`;
  if (mode.startsWith('container:'))
    return `${nameOf(c)} shares the network of ${mode.slice('container:'.length)}: isolate that container, or pause or stop this one`;
  return undefined;
}

/** The containers on each network besides `c`: who loses it, by name and alias. */
async function peersOf(docker: DockerPort, c: ControlInspect, nets: string[]) {
  const out: Record<string, string[]> = {};
  for (const n of nets) {
    try {
      const inspected = await docker.inspectNetwork(n);
      out[n] = Object.entries(inspected.Containers ?? {})
        .filter(([id]) => id !== c.Id)
        .map(([id, x]) => x.Name ?? id.slice(0, 12))
        .sort();
    } catch {
      out[n] = [];
    }
  }
  return out;
}

export async function isolateDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const before = attachmentsOf(c);
  const why = unsupportedMode(c);
  if (why)
    return failed(why, {
      action: 'isolate',
      container: refOf(c),
      before,
      offer: ['pause', 'stop'],
    });
  const id = c.Id.slice(0, 12);
  const calls = [
    ...before.map((a) => `POST /networks/${a.network}/disconnect {Container: ${id}, Force: true}`),
    ...(flag(ctx, 'pause') ? [`POST /containers/${id}/pause`] : []),
    `GET /containers/${id}/json (verify: no network left, no port bound)`,
  ];
  const ports = publishedPorts(c);
  const peers = await peersOf(
    docker,
    c,
    before.map((a) => a.network),
  );
  const cut = before.map((a) => {
    const p = peers[a.network] ?? [];
    const names = [...a.aliases, ...(a.ipv4Address ? [a.ipv4Address] : [])];
    return `${a.network}${names.length ? ` (as ${names.join(', ')})` : ''}${p.length ? ` shared with ${p.join(', ')}` : ''}`;
  });
  const radius =
    `${nameOf(c)} is cut off from ${cut.join('; ') || 'no networks (it has none)'}` +
    (ports.length ? `; published ports stop answering (${ports.join(' ')})` : '') +
    '; it keeps running with loopback only';
  return plan('isolate', refOf(c), calls, radius, { before, ports, peers, method: 'no-network' });
}

export async function isolate(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const legacy = legacyQuarantine(deps);
  const before = attachmentsOf(c);
  const why = unsupportedMode(c);
  if (why)
    return failed(why, { action: 'isolate', container: ref, before, offer: ['pause', 'stop'] });

  // An earlier version's quarantine network is left too, but it is not part of the plan.
  const seen = before.filter((a) => a.network !== legacy);
  const path = recordPath(deps, ref.id);
  await deps.files.mkdirPrivate(join(deps.home, 'quarantine'));
  // Written down before anything changes: unisolate needs it even if we crash halfway.
  const record = await writeRecord(deps, ctx, c, seen, path);
  const left: string[] = [];
  const base = { action: 'isolate', container: ref, record: path, method: 'no-network' };
  for (const a of before) {
    if (ctx.signal.aborted) {
      const still = before.filter((b) => !left.includes(b.network)).map((b) => b.network);
      return {
        ok: false,
        cancelled: true,
        summary: `cancelled by the operator: ${ref.name} left ${left.join(', ') || 'no network'} but is still on ${still.join(', ')}: isolate again to finish, or unisolate to undo`,
        data: { ...base, before: record.before, left, stillAttached: still },
      };
    }
    ctx.onOutput(`disconnecting from ${a.network}`);
    await docker.disconnectNetwork(a.network, ref.id, true);
    left.push(a.network);
  }
  if (record.paused && !c.State?.Paused && c.State?.Running) {
    ctx.onOutput('pausing');
    await docker.pauseContainer(ref.id);
  }
  const check = await verifyIsolation(
    docker,
    ref.id,
    before.map((a) => a.network),
  );
  const data = {
    ...base,
    before: record.before,
    ports: record.ports ?? [],
    after: check.networks,
    verification: check,
    paused: (await docker.inspectDetailed(ref.id)).State?.Paused === true,
  };
  if (!check.sealed)
    return failed(
      `${ref.name} is NOT sealed off: ${[
        ...check.networks.map((n) => `still on ${n}`),
        ...check.publishedPorts.map((p) => `port ${p} still bound`),
      ].join(', ')}`,
      data,
    );
  ctx.onOutput(
    `verified: no network, no published port; ${check.running ? 'still running' : 'not running'}`,
  );
  return ok(
    `${ref.name} isolated: cut off from ${record.before.map((a) => a.network).join(', ') || 'no networks'}; no network left but loopback, no port bound${data.paused ? ', paused' : ''}${check.running ? '; still running for forensics' : ''}`,
    data,
  );
}

async function writeRecord(
  deps: ActionDeps,
  ctx: StepContext,
  c: ControlInspect,
  seen: Attachment[],
  path: string,
): Promise<IsolationRecord> {
  const ref = refOf(c);
  const prior = await priorRecord(deps, path);
  if (prior.record) {
    // A retry (after a partial isolate, or of a finished one): the earlier record holds the
    // networks already left. Keep it whole; add only networks it does not know yet.
    const known = new Set(prior.record.before.map((a) => a.network));
    const added = seen.filter((a) => !known.has(a.network));
    const record: IsolationRecord = {
      ...prior.record,
      paused: prior.record.paused || flag(ctx, 'pause'),
      before: [...prior.record.before, ...added].sort((a, b) => a.network.localeCompare(b.network)),
    };
    if (added.length || record.paused !== prior.record.paused)
      await deps.files.replaceFile(path, JSON.stringify(record, null, 2) + '\n');
    return record;
  }
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
  const record: IsolationRecord = {
    format: 'warden-isolation/2',
    session: ctx.sessionId,
    container: ref,
    isolatedAt: deps.clock.now().toISOString(),
    method: 'no-network',
    paused: flag(ctx, 'pause'),
    before: seen,
    ports: publishedPorts(c),
  };
  await deps.files.writeFile(path, JSON.stringify(record, null, 2) + '\n');
  return record;
}

/** Reads back what the engine says: no network, no bound port, no former network listing it. */
export async function verifyIsolation(
  docker: DockerPort,
  id: string,
  former: string[],
): Promise<IsolationCheck> {
  const after = await docker.inspectDetailed(id);
  const networks = Object.keys(after.NetworkSettings?.Networks ?? {});
  const ports = publishedPorts(after);
  const formerNetworks: IsolationCheck['formerNetworks'] = [];
  for (const n of former) {
    try {
      const net = await docker.inspectNetwork(n);
      formerNetworks.push({
        network: n,
        stillListed: Object.keys(net.Containers ?? {}).includes(after.Id),
      });
    } catch (err) {
      formerNetworks.push({
        network: n,
        stillListed: err instanceof DockerError && err.kind === 'not-found' ? false : 'unknown',
      });
    }
  }
  return {
    networks,
    publishedPorts: ports,
    formerNetworks,
    running: after.State?.Running === true,
    sealed:
      networks.length === 0 &&
      ports.length === 0 &&
      formerNetworks.every((f) => f.stillListed === false),
  };
}

/** The record already on disk, when it describes an isolation not yet undone. */
async function priorRecord(
  deps: ActionDeps,
  path: string,
): Promise<{ exists: boolean; record?: IsolationRecord }> {
  if (!(await deps.files.exists(path))) return { exists: false };
  try {
    const rec = JSON.parse((await deps.files.readFile(path)).toString('utf8')) as IsolationRecord;
    if (/^warden-isolation\/[12]$/.test(rec.format) && Array.isArray(rec.before) && !rec.restoredAt)
      return { exists: true, record: rec };
  } catch {
    // Unreadable: set aside by the caller.
  }
  return { exists: true };
}

export async function readRecord(
  deps: ActionDeps,
  id: string,
): Promise<IsolationRecord | undefined> {
  const path = recordPath(deps, id);
  if (!(await deps.files.exists(path))) return undefined;
  return JSON.parse((await deps.files.readFile(path)).toString('utf8')) as IsolationRecord;
}

/** The isolation record to undo: the container's own, or the original's for a replacement. */
async function recordFor(deps: ActionDeps, ctx: StepContext, c: ControlInspect) {
  const replaces = optParam(ctx, 'replaces');
  const id = replaces && replaces !== c.Id ? replaces : c.Id;
  return { rec: await readRecord(deps, id), replacing: id !== c.Id ? id : undefined };
}

function describe(s: ReconnectStep, id: string): string {
  if (s.kind === 'leave')
    return `POST /networks/${s.network}/disconnect {Container: ${id}} (${s.why})`;
  return `${s.kind === 'reattach' ? `POST /networks/${s.network}/disconnect {Container: ${id}}, then ` : ''}POST /networks/${s.network}/connect {Container: ${id}, Aliases: [${s.aliases.join(', ')}]${s.ipv4Address ? `, IPv4Address: ${s.ipv4Address}` : ''}${s.ipv6Address ? `, IPv6Address: ${s.ipv6Address}` : ''}}`;
}

export async function unisolateDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const { rec, replacing } = await recordFor(deps, ctx, c);
  if (!rec)
    return failed(
      `no isolation record for ${replacing ? `the container ${nameOf(c)} replaces` : nameOf(c)}`,
      {
        action: 'unisolate',
        container: refOf(c),
      },
    );
  const { steps, warnings } = await reconnectPlan(docker, c, rec, legacyQuarantine(deps));
  const id = c.Id.slice(0, 12);
  return plan(
    'unisolate',
    refOf(c),
    [
      ...(c.State?.Paused ? [`POST /containers/${id}/unpause`] : []),
      ...steps.map((s) => describe(s, id)),
    ],
    `none lost; ${nameOf(c)} becomes reachable again on ${rec.before.map((a) => a.network).join(', ') || 'no networks'}${replacing ? ` (the network plan of ${rec.container.name}, which it replaces)` : ''}`,
    { before: rec.before, steps, warnings, ...(replacing ? { replaces: rec.container } : {}) },
  );
}

export async function unisolate(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const { rec, replacing } = await recordFor(deps, ctx, c);
  if (!rec)
    return failed(
      `no isolation record for ${replacing ? `${replacing.slice(0, 12)} (replaced by ${ref.name})` : ref.name} in ${join(deps.home, 'quarantine')}: was it isolated by warden?`,
      { action: 'unisolate', container: ref },
    );
  const legacy = legacyQuarantine(deps);
  if (unsupportedMode(c))
    return failed(`${ref.name} shares another network stack: it cannot be given networks`, {
      action: 'unisolate',
      container: ref,
    });
  if (c.State?.Paused && !replacing) {
    ctx.onOutput('unpausing');
    await docker.unpauseContainer(ref.id);
  }
  const { steps, warnings } = await reconnectPlan(docker, c, rec, legacy);
  const done: string[] = [];
  for (const w of warnings) ctx.onOutput(`warning: ${w}`);
  const base = {
    action: 'unisolate',
    container: ref,
    restored: rec.before,
    isolatedIn: rec.session,
    ...(replacing ? { replaces: rec.container } : {}),
    warnings,
  };
  for (const s of steps) {
    if (ctx.signal.aborted)
      return {
        ok: false,
        cancelled: true,
        summary: `cancelled by the operator: ${done.length ? `did ${done.join(', ')}` : 'nothing reconnected'}; not yet: ${steps
          .slice(done.length)
          .map((x) => `${x.kind} ${x.network}`)
          .join(', ')}; run unisolate again to finish`,
        data: { ...base, done },
      };
    if (s.kind === 'leave') {
      ctx.onOutput(`leaving ${s.network} (${s.why})`);
      await docker.disconnectNetwork(s.network, ref.id, true);
    } else {
      if (s.kind === 'reattach') {
        ctx.onOutput(`re-attaching to ${s.network} with the recorded aliases`);
        await docker.disconnectNetwork(s.network, ref.id, true);
      } else ctx.onOutput(`reconnecting to ${s.network}`);
      await docker.connectNetwork(s.network, ref.id, {
        aliases: s.aliases,
        links: s.links,
        ...(s.ipv4Address ? { ipv4Address: s.ipv4Address } : {}),
        ...(s.ipv6Address ? { ipv6Address: s.ipv6Address } : {}),
      });
    }
    done.push(`${s.kind} ${s.network}`);
  }
  const after = await docker.inspectDetailed(ref.id);
  const now = attachmentsOf(after);
  const missing = rec.before.filter((b) => {
    const n = now.find((x) => x.network === b.network);
    const planned = steps.find((s) => s.network === b.network);
    const wantIp = planned && planned.kind !== 'leave' ? planned.ipv4Address : b.ipv4Address;
    return (
      !n ||
      !b.aliases.every((a) => n.aliases.includes(a)) ||
      (!replacing && (b.ipv4Address ?? '') !== (n.ipv4Address ?? '')) ||
      (replacing && wantIp !== undefined && wantIp !== n.ipv4Address)
    );
  });
  const data = {
    ...base,
    done,
    after: now,
    ports: publishedPorts(after),
    paused: after.State?.Paused === true,
  };
  if (missing.length)
    return failed(
      `could not restore ${missing.map((m) => m.network).join(', ')} exactly${warnings.length ? `: ${warnings.join('; ')}` : ''}`,
      data,
    );
  await closeRecord(deps, rec, ref, replacing);
  return ok(
    replacing
      ? `${ref.name} (replacing ${rec.container.name}) reconnected to ${rec.before.map((a) => a.network).join(', ') || 'no networks'} with the recorded aliases${warnings.length ? `; WARNING: ${warnings[0]}` : ''}`
      : `${ref.name} restored to ${rec.before.map((a) => a.network).join(', ') || 'no networks'}${rec.quarantine ? `; left ${rec.quarantine}` : ''}`,
    data,
  );
}

/** The record is kept as `<id>.<time>.restored.json`; a legacy quarantine network left empty goes. */
async function closeRecord(
  deps: ActionDeps,
  rec: IsolationRecord,
  to: ContainerRef,
  replacing: string | undefined,
): Promise<void> {
  const id = rec.container.id;
  const done: IsolationRecord = {
    ...rec,
    restoredAt: deps.clock.now().toISOString(),
    ...(replacing ? { restoredTo: to } : {}),
  };
  await deps.files.writeFile(
    join(deps.home, 'quarantine', `${id}.${stampOf(deps.clock.now())}.restored.json`),
    JSON.stringify(done, null, 2) + '\n',
  );
  await deps.files.remove(recordPath(deps, id));
  if (rec.quarantine) {
    try {
      const docker = deps.docker();
      const net = await docker.inspectNetwork(rec.quarantine);
      if (Object.keys(net.Containers ?? {}).length === 0 && net.Labels?.['io.warden.quarantine'])
        await docker.removeNetwork(net.Id);
    } catch (err) {
      // Best effort: the container is restored either way.
      void errorMessage(err);
    }
  }
}
