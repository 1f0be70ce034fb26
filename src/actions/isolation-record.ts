/**
 * The isolation record: every network attachment of a container (network, aliases, static
 * addresses, links) and its published ports, written to `$WARDEN_HOME/quarantine/<container
 * id>.json` before the first disconnect, so unisolate, from any session and after a crash, can
 * restore exactly what was there. Closed (kept as `<id>.<time>.restored.json`) once undone.
 */
import { join } from 'node:path';
import type { StepContext } from '../engine/executors.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import {
  QUARANTINE_NETWORK,
  flag,
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

/** The shared quarantine network of earlier versions, left when an old isolation is undone. */
export function legacyQuarantine(deps: ActionDeps): string {
  return deps.quarantineNetwork ?? QUARANTINE_NETWORK;
}

export async function writeRecord(
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

/** The record is kept as `<id>.<time>.restored.json`; a legacy quarantine network left empty goes. */
export async function closeRecord(
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
    } catch {
      // Best effort: the container is restored either way; an old network left behind is harmless.
    }
  }
}
