/**
 * Gzip on every core: the stream is cut into blocks (1 MiB), each compressed as a gzip member of
 * its own on libuv's thread pool, a few at once, and written in order. Concatenated members are
 * one valid gzip file (RFC 1952 §2.2; `gunzip`, `tar -xz` and Node's gunzip read it whole), so
 * restore and every other tool read it as before. One zlib stream would use one core.
 *
 * A block whose first 64 KiB does not compress (already compressed or encrypted data, media) is
 * stored (level 0: copied with its CRC) instead of searched for matches that are not there.
 */
import { availableParallelism } from 'node:os';
import { deflateRawSync, gzip } from 'node:zlib';
import { coalesce } from '../engine/coalesce.js';

export const GZIP_BLOCK = 1 << 20;
const SAMPLE = 64 << 10;

function gzipBlock(block: Buffer, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    gzip(block, { level }, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

/** Level 0 when a sample of the block shrinks by less than 5 %, else `level`. */
export function levelFor(block: Buffer, level: number): number {
  const sample = block.subarray(0, SAMPLE);
  if (sample.length < 1024) return level;
  return deflateRawSync(sample, { level: 1 }).length > sample.length * 0.95 ? 0 : level;
}

export async function* gzipBlocks(
  source: AsyncIterable<Uint8Array>,
  opts: { level?: number; blockSize?: number; parallel?: number } = {},
): AsyncGenerator<Buffer> {
  const level = opts.level ?? 1;
  const parallel = opts.parallel ?? Math.max(2, availableParallelism());
  const queue: Promise<Buffer>[] = [];
  let blocks = 0;
  for await (const block of coalesce(source, opts.blockSize ?? GZIP_BLOCK)) {
    blocks++;
    const done = gzipBlock(block, levelFor(block, level));
    // Awaited in order below; marked handled now so a failure while an earlier block is awaited
    // is not reported as unhandled (it is thrown when its turn comes).
    done.catch(() => undefined);
    queue.push(done);
    if (queue.length >= parallel) yield await (queue.shift() as Promise<Buffer>);
  }
  while (queue.length) yield await (queue.shift() as Promise<Buffer>);
  // Nothing in: still a gzip file (of nothing), as one zlib stream would have written.
  if (blocks === 0) yield await gzipBlock(Buffer.alloc(0), level);
}
