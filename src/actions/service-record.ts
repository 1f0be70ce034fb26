/**
 * What a service action changed, written to `$WARDEN_HOME/quarantine/` before the update (as the
 * isolation record is), so the way back works from any session and after a crash: the replica
 * count before a scale to 0 (`service-<id>.scale.json`), or the network attachment a service was
 * taken off (`service-<id>.network-<network id>.json`). Closed (kept as `….<time>.restored.json`)
 * once undone. Also the spec helpers both service actions share.
 */
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type {
  DockerSwarmControlPort,
  SwarmNetworkAttachment,
  SwarmServiceDetail,
  SwarmServiceSpec,
} from '../engine/docker-swarm-port.js';
import { safeName, stampOf, type ActionDeps } from './common.js';

export interface ServiceRef {
  id: string;
  name: string;
}

export interface ServiceRecord {
  format: 'warden-service/1';
  kind: 'scale' | 'network';
  session: string;
  service: ServiceRef;
  at: string;
  /** `scale`: the replica count before, and the spec version it was read at. */
  replicas?: number;
  version?: number;
  /** `network`: the network, its attachment as the spec held it, and where in the list. */
  network?: { id: string; name: string; attachment: SwarmNetworkAttachment; index: number };
  /** `network`: every network of the service before (names where the engine gave them). */
  networksBefore?: { id: string; name?: string; aliases: string[] }[];
  restoredAt?: string;
}

export function serviceRecordPath(
  deps: ActionDeps,
  serviceId: string,
  kind: 'scale' | { network: string },
): string {
  const file =
    kind === 'scale'
      ? `service-${safeName(serviceId)}.scale.json`
      : `service-${safeName(serviceId)}.network-${safeName(kind.network)}.json`;
  return join(deps.home, 'quarantine', file);
}

export async function readServiceRecord(
  deps: ActionDeps,
  path: string,
): Promise<ServiceRecord | undefined> {
  if (!(await deps.files.exists(path))) return undefined;
  try {
    const rec = JSON.parse((await deps.files.readFile(path)).toString('utf8')) as ServiceRecord;
    return rec.format === 'warden-service/1' && !rec.restoredAt ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole (fsynced, renamed into place) before the engine is asked to change anything. */
export async function writeServiceRecord(
  deps: ActionDeps,
  path: string,
  rec: ServiceRecord,
): Promise<void> {
  await deps.files.mkdirPrivate(join(deps.home, 'quarantine'));
  await deps.files.replaceFile(path, JSON.stringify(rec, null, 2) + '\n');
}

export async function closeServiceRecord(
  deps: ActionDeps,
  path: string,
  rec: ServiceRecord,
): Promise<string> {
  const now = deps.clock.now();
  const kept = path.replace(/\.json$/, `.${stampOf(now)}.restored.json`);
  await deps.files.writeFile(
    kept,
    JSON.stringify({ ...rec, restoredAt: now.toISOString() }, null, 2) + '\n',
  );
  await deps.files.remove(path);
  return kept;
}

/** The engine's swarm calls, or a clear refusal when this engine (or adapter) has none. */
export function swarmControl(deps: ActionDeps): Required<DockerSwarmControlPort> {
  const d = deps.docker();
  if (!d.inspectService || !d.updateService || !d.listTasks)
    throw new UserError('this engine adapter cannot change swarm services');
  return {
    inspectService: (id) => d.inspectService!(id),
    updateService: (id, v, spec) => d.updateService!(id, v, spec),
    listTasks: (f) => d.listTasks!(f),
  };
}

export function serviceRef(s: SwarmServiceDetail): ServiceRef {
  return { id: s.ID, name: s.Spec.Name ?? s.ID.slice(0, 12) };
}

/** A deep copy of the spec as read: an update sends it back with one change only. */
export function specCopy(s: SwarmServiceDetail): SwarmServiceSpec {
  return structuredClone(s.Spec);
}

export function versionOf(s: SwarmServiceDetail): number {
  const v = s.Version?.Index;
  if (v === undefined) throw new UserError(`service ${serviceRef(s).name} has no version index`);
  return v;
}

/** Where the spec keeps its networks: the task template, or the deprecated top-level list. */
export function networksOf(spec: SwarmServiceSpec): {
  list: SwarmNetworkAttachment[];
  set(next: SwarmNetworkAttachment[]): void;
} {
  const inTemplate = spec.TaskTemplate?.Networks;
  if (inTemplate?.length || !spec.Networks?.length)
    return {
      list: inTemplate ?? [],
      set: (next) => {
        spec.TaskTemplate = { ...(spec.TaskTemplate ?? {}), Networks: next };
      },
    };
  return { list: spec.Networks, set: (next) => (spec.Networks = next) };
}

/** `replicated`, `global`, `replicated-job` or `global-job`. */
export function modeOf(spec: SwarmServiceSpec): string {
  const m = spec.Mode ?? {};
  if (m.Global) return 'global';
  if (m.ReplicatedJob) return 'replicated-job';
  if (m.GlobalJob) return 'global-job';
  return 'replicated';
}
