/** Parallel gzip members: one valid gzip stream, stored blocks for data that does not compress. */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { gzipBlocks, levelFor } from '../../src/actions/gzip-blocks.js';
import { coalesce } from '../../src/engine/coalesce.js';

async function* pieces(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of it) out.push(b);
  return Buffer.concat(out);
}

describe('coalesce', () => {
  it('joins pieces into blocks of at least the size, in order, the last one shorter', async () => {
    const data = randomBytes(10_000);
    const blocks: Buffer[] = [];
    for await (const b of coalesce(pieces(data, 700), 3000)) blocks.push(b);
    expect(blocks.map((b) => b.length)).toEqual([3500, 3500, 3000]);
    expect(Buffer.concat(blocks).equals(data)).toBe(true);
  });
});

describe('gzipBlocks', () => {
  const text = Buffer.from('log line with some words in it\n'.repeat(200_000)); // ≈ 6 MiB
  const noise = randomBytes(3 << 20);
  const data = Buffer.concat([text, noise, text.subarray(0, 12345)]);

  it('is one gzip stream that gunzip (Node and the gzip tool) reads back byte for byte', async () => {
    const gz = await collect(gzipBlocks(pieces(data, 65536), { blockSize: 1 << 20, parallel: 3 }));
    expect(gunzipSync(gz).equals(data)).toBe(true);
    const tool = spawnSync('gzip', ['-dc'], { input: gz, maxBuffer: 64 << 20 });
    expect(tool.status).toBe(0);
    expect(Buffer.compare(tool.stdout, data)).toBe(0);
    // Text shrinks; the random part is stored, not grown by more than the members' framing.
    expect(gz.length).toBeLessThan(noise.length + text.length / 10);
    expect(gz.length).toBeGreaterThan(noise.length);
  });

  it('stores a block that does not compress and compresses one that does', () => {
    expect(levelFor(noise.subarray(0, 1 << 20), 1)).toBe(0);
    expect(levelFor(text.subarray(0, 1 << 20), 1)).toBe(1);
  });

  it('writes a gzip of nothing for an empty source and passes a source error on', async () => {
    expect(gunzipSync(await collect(gzipBlocks(pieces(Buffer.alloc(0), 10)))).length).toBe(0);
    async function* failing() {
      yield text.subarray(0, 2 << 20);
      throw new Error('engine hung up');
    }
    await expect(collect(gzipBlocks(failing(), { blockSize: 1 << 20 }))).rejects.toThrow(
      'engine hung up',
    );
  });
});
