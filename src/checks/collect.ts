/**
 * Live collection through the DockerReadPort: `info` once, one `listContainers`, then inspect
 * (and `top` for running containers) with bounded concurrency. No exec into containers.
 */
import type { ContainerSummary, DockerReadPort } from '../engine/docker-read-port.js';
import { DockerError } from '../errors.js';
import { COMPOSE_PROJECT_LABEL, modelFromInspect } from './from-inspect.js';
import { engineFactsFromSecurityOptions, type ContainerModel, type EngineFacts } from './model.js';

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

export interface LiveCollection {
  facts: EngineFacts;
  engine: { name?: string; version?: string; securityOptions: string[] };
  containers: ContainerModel[];
}

export interface CollectOptions {
  /** Container names or ids; empty or undefined means every container. */
  containers?: readonly string[];
  /** Only containers of these compose projects (by label). */
  projects?: readonly string[];
  concurrency?: number;
  signal?: AbortSignal;
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
    facts: engineFactsFromSecurityOptions(securityOptions),
    engine: {
      ...(info.Name !== undefined ? { name: info.Name } : {}),
      ...(info.ServerVersion !== undefined ? { version: info.ServerVersion } : {}),
      securityOptions,
    },
  };
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
  const containers = await mapLimit(inspected, concurrency, async (inspect) => {
    if (!inspect) return undefined;
    opts.signal?.throwIfAborted();
    let top;
    if (inspect.State?.Running && inspect.State.Status !== 'restarting') {
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
    return modelFromInspect(inspect, top);
  });
  return {
    facts,
    engine,
    containers: containers.filter((c): c is ContainerModel => c !== undefined),
  };
}
