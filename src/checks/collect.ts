/**
 * Live collection through the DockerReadPort: `info` once, one `listContainers`, then inspect
 * with bounded concurrency, then the processes of running containers: from this machine's /proc
 * in one pass when the engine is local (see the port's `hostProcesses`), else one bounded `top`
 * call each. No exec into containers.
 */
import type {
  ContainerInspect,
  ContainerSummary,
  ContainerTop,
  DockerReadPort,
  ImageInspect,
  VolumeOptions,
} from '../engine/docker-read-port.js';
import { DockerError } from '../errors.js';
import { COMPOSE_PROJECT_LABEL, modelFromInspect } from './from-inspect.js';
import { engineFactsFromSecurityOptions, type ContainerModel, type EngineFacts } from './model.js';
import type { NetworkModel } from './compose-model.js';

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Where the processes of running containers came from: `proc` (one pass over this machine's
 * process table), `top` (the engine's `top`, one call per container), `proc+top` (some of each:
 * the rest could not be read locally); absent when no container was running.
 */
export type ProcessSource = 'proc' | 'top' | 'proc+top';

export interface LiveCollection {
  facts: EngineFacts;
  engine: { name?: string; version?: string; securityOptions: string[] };
  containers: ContainerModel[];
  processSource?: ProcessSource;
}

export interface CollectOptions {
  /** Container names or ids; empty or undefined means every container. */
  containers?: readonly string[];
  /** Only containers of these compose projects (by label). */
  projects?: readonly string[];
  concurrency?: number;
  signal?: AbortSignal;
  /** `top` asks the engine for every container, even when /proc could be read (default `auto`). */
  processSource?: 'auto' | 'top';
}

/** At most this many `top` calls at once: each one has the engine fork `ps` over the host. */
const TOP_CONCURRENCY = 4;

const running = (i: ContainerInspect | undefined): i is ContainerInspect =>
  !!i?.State?.Running && i.State.Status !== 'restarting';

/** The processes of running containers from the host's /proc, where the port can read it. */
async function localProcesses(
  port: DockerReadPort,
  inspects: readonly (ContainerInspect | undefined)[],
  opts: CollectOptions,
): Promise<Map<string, ContainerTop>> {
  if (!port.hostProcesses || opts.processSource === 'top') return new Map();
  const queries = inspects
    .filter(running)
    .map((i) => ({ id: i.Id, pid: i.State?.Pid ?? 0 }))
    .filter((q) => q.pid > 0);
  if (queries.length === 0) return new Map();
  try {
    return await port.hostProcesses(queries);
  } catch {
    return new Map(); // unreadable here: `top` answers for every container
  }
}

function matches(summary: ContainerSummary, wanted: string): boolean {
  const w = wanted.replace(/^\//, '');
  if (summary.Id === w || (w.length >= 4 && summary.Id.startsWith(w))) return true;
  return (summary.Names ?? []).some((n) => n.replace(/^\//, '') === w);
}

export async function engineFacts(port: DockerReadPort) {
  const info = await port.info();
  const securityOptions = info.SecurityOptions ?? [];
  return {
    facts: {
      ...engineFactsFromSecurityOptions(securityOptions),
      ...(info.CgroupVersion ? { cgroupVersion: String(info.CgroupVersion) } : {}),
    },
    engine: {
      ...(info.Name !== undefined ? { name: info.Name } : {}),
      ...(info.ServerVersion !== undefined ? { version: info.ServerVersion } : {}),
      securityOptions,
    },
  };
}

/** Each distinct image and named volume once, when the port can inspect them. */
async function extrasFor(
  port: DockerReadPort,
  inspects: readonly ContainerInspect[],
  concurrency: number,
): Promise<{ images: Map<string, ImageInspect>; volumes: Record<string, VolumeOptions> }> {
  const images = new Map<string, ImageInspect>();
  const volumes: Record<string, VolumeOptions> = {};
  const gone = (err: unknown) => err instanceof DockerError && err.kind === 'not-found';
  if (port.inspectImage) {
    const ids = [...new Set(inspects.map((i) => i.Image).filter((x): x is string => !!x))];
    await mapLimit(ids, concurrency, async (id) => {
      try {
        images.set(id, await (port.inspectImage as (i: string) => Promise<ImageInspect>)(id));
      } catch (err) {
        if (!gone(err)) throw err;
      }
    });
  }
  if (port.volumeOptions) {
    const names = [
      ...new Set(
        inspects.flatMap((i) =>
          (i.Mounts ?? [])
            .filter((m) => m.Type === 'volume' && m.Name)
            .map((m) => m.Name as string),
        ),
      ),
    ];
    await mapLimit(names, concurrency, async (name) => {
      try {
        volumes[name] = await (port.volumeOptions as (n: string) => Promise<VolumeOptions>)(name);
      } catch (err) {
        if (!gone(err)) throw err;
      }
    });
  }
  return { images, volumes };
}

export async function collectLive(
  port: DockerReadPort,
  opts: CollectOptions = {},
): Promise<LiveCollection> {
  const [{ facts, engine }, summaries] = await Promise.all([
    engineFacts(port),
    port.listContainers({ all: true }),
  ]);
  let selected = summaries;
  if (opts.containers?.length) {
    selected = [];
    for (const wanted of opts.containers) {
      const hit = summaries.find((s) => matches(s, wanted));
      if (!hit)
        throw new DockerError(`no container named ${wanted}`, 'not-found', { target: wanted });
      if (!selected.includes(hit)) selected.push(hit);
    }
  }
  if (opts.projects?.length) {
    const projects = opts.projects;
    selected = selected.filter((s) => projects.includes(s.Labels?.[COMPOSE_PROJECT_LABEL] ?? ''));
  }
  const concurrency = opts.concurrency ?? 16;
  // Inspects first (cheap), then `top` for running containers (the engine forks `ps` per call).
  const inspected = await mapLimit(selected, concurrency, async (s) => {
    opts.signal?.throwIfAborted();
    try {
      return await port.inspectContainer(s.Id);
    } catch (err) {
      // Removed between list and inspect: nothing left to audit.
      if (err instanceof DockerError && err.kind === 'not-found') return undefined;
      throw err;
    }
  });
  const extras = await extrasFor(
    port,
    inspected.filter((i): i is ContainerInspect => i !== undefined),
    concurrency,
  );
  const local = await localProcesses(port, inspected, opts);
  let fromTop = 0;
  const containers = await mapLimit(
    inspected,
    Math.min(concurrency, TOP_CONCURRENCY),
    async (inspect) => {
      if (!inspect) return undefined;
      opts.signal?.throwIfAborted();
      let top = local.get(inspect.Id);
      if (!top && running(inspect)) {
        fromTop++;
        try {
          top = await port.top(inspect.Id);
        } catch (err) {
          // Stopped in the meantime: processes are simply unknown.
          if (
            !(err instanceof DockerError) ||
            (err.kind !== 'not-running' && err.kind !== 'not-found')
          )
            throw err;
        }
      }
      return modelFromInspect(inspect, top, {
        ...(inspect.Image && extras.images.has(inspect.Image)
          ? { image: extras.images.get(inspect.Image) }
          : {}),
        volumes: extras.volumes,
      });
    },
  );
  const processSource: ProcessSource | undefined =
    local.size && fromTop ? 'proc+top' : local.size ? 'proc' : fromTop ? 'top' : undefined;
  return {
    facts,
    engine,
    containers: containers.filter((c): c is ContainerModel => c !== undefined),
    ...(processSource ? { processSource } : {}),
  };
}

/**
 * The engine's networks as the network checks see them. The default bridge is left out: the
 * `default-bridge` and `daemon-icc` checks judge it.
 */
export async function liveNetworks(port: DockerReadPort): Promise<NetworkModel[]> {
  const rows = await port.listNetworks();
  return rows
    .filter(
      (n) =>
        n.Name &&
        n.Options?.['com.docker.network.bridge.default_bridge'] !== 'true' &&
        !(n.Name === 'bridge' && n.Driver === 'bridge'),
    )
    .map((n) => ({
      name: n.Name as string,
      internal: n.Internal === true,
      ...(n.Driver ? { driver: n.Driver } : {}),
    }));
}
