/**
 * The `images` audit scope: every image once (by id), inspected, its history read and its layers
 * walked from the export stream, with bounded concurrency (exports: 2 at a time). Results are
 * cached by image id (content-addressed, so they never go stale).
 */
import type { DockerReadPort } from '../engine/docker-read-port.js';
import { DockerError } from '../errors.js';
import { mapLimit } from './collect.js';
import { scanImageExport, type LayerScan } from './image-layers.js';
import { IMAGE_CHECKS, type ImageCheckContext, type ImageFacts } from './rules-images.js';
import type { Evaluation, FindingTarget } from './types.js';
import { evaluationOf } from './types.js';

export type ImageScanCache = Map<string, Promise<LayerScan>>;

export interface ImageScanOptions {
  concurrency?: number;
  exportConcurrency?: number;
  /** Skip the layer walk (credential files, setuid). */
  skipLayers?: boolean;
  cache?: ImageScanCache;
  signal?: AbortSignal;
}

const gone = (err: unknown) => err instanceof DockerError && err.kind === 'not-found';

export async function collectImages(
  port: DockerReadPort,
  opts: ImageScanOptions = {},
): Promise<ImageFacts[]> {
  const inspectImage = port.inspectImage?.bind(port);
  const { listImages, imageHistory, exportImage } = port;
  if (!inspectImage || !listImages || !imageHistory || !exportImage)
    throw new DockerError('this engine port cannot read images', 'unknown');
  const [rows, containers] = await Promise.all([
    listImages.call(port),
    port.listContainers({ all: true }),
  ]);
  const usedBy = new Map<string, string[]>();
  for (const c of containers)
    if (c.ImageID)
      usedBy.set(c.ImageID, [
        ...(usedBy.get(c.ImageID) ?? []),
        (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
      ]);
  const cache = opts.cache ?? new Map();
  const exports = { running: 0, queue: [] as (() => void)[] };
  const limit = opts.exportConcurrency ?? 2;
  const scan = async (id: string): Promise<LayerScan> => {
    while (exports.running >= limit) await new Promise<void>((r) => exports.queue.push(r));
    exports.running++;
    try {
      return await scanImageExport(await exportImage.call(port, id));
    } finally {
      exports.running--;
      exports.queue.shift()?.();
    }
  };
  const facts = await mapLimit(rows, opts.concurrency ?? 8, async (row) => {
    opts.signal?.throwIfAborted();
    try {
      const [inspect, history] = await Promise.all([
        inspectImage(row.Id),
        imageHistory.call(port, row.Id),
      ]);
      let layers: LayerScan | undefined;
      if (!opts.skipLayers) {
        let p = cache.get(row.Id);
        if (!p) {
          p = scan(row.Id);
          cache.set(row.Id, p);
        }
        layers = await p;
      }
      const tags = (inspect.RepoTags ?? row.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
      const f: ImageFacts = {
        id: row.Id,
        tags,
        ...(inspect.Created ? { created: inspect.Created } : {}),
        ...(inspect.Config?.User !== undefined ? { user: inspect.Config.User } : {}),
        ...(inspect.Config?.Healthcheck?.Test
          ? { healthcheck: inspect.Config.Healthcheck.Test }
          : {}),
        env: inspect.Config?.Env ?? [],
        // The engine lists history newest first.
        history: [...history]
          .reverse()
          .map((h) => ({ createdBy: h.CreatedBy ?? '', layer: (h.Size ?? 0) > 0 })),
        usedBy: usedBy.get(row.Id) ?? [],
        ...(layers ? { layers } : {}),
      };
      return f;
    } catch (err) {
      if (gone(err)) return undefined; // removed while the audit ran
      throw err;
    }
  });
  return facts.filter((f): f is ImageFacts => f !== undefined);
}

export function imageTarget(f: ImageFacts): FindingTarget {
  return { kind: 'image', name: f.tags[0] ?? f.id.replace(/^sha256:/, '').slice(0, 12), id: f.id };
}

export function evaluateImage(
  f: ImageFacts,
  ctx: ImageCheckContext,
  ids?: readonly string[],
): Evaluation[] {
  const checks = ids ? IMAGE_CHECKS.filter((c) => ids.includes(c.id)) : IMAGE_CHECKS;
  return checks.map((c) => evaluationOf(c, imageTarget(f), c.evaluate(f, ctx)));
}
