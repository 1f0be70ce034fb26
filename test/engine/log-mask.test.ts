/**
 * The log masker and the demuxer's continuation offsets, over every way the bytes can be cut:
 * socket reads, the engine's frames, and the engine's 16 KiB pieces of one long line, each with
 * its own timestamp.
 */
import { describe, expect, it } from 'vitest';
import { LogMasker, timestampPrefixLength } from '../../src/actions/log-mask.js';
import { demuxLogs } from '../../src/adapters/docker/control.js';

const SECRET = Buffer.from('hunter2-s3cret-value');
const TS1 = '2026-12-03T07:37:42.678921135Z ';
const TS2 = '2026-12-03T07:37:42.679946685Z ';

/** Feeds `input` to a masker in pieces cut at `cuts`, with continuation offsets. */
function maskIn(input: Buffer, cuts: number[], framed: boolean, conts: number[] = []) {
  const m = new LogMasker([SECRET], framed);
  const out: Buffer[] = [];
  let hits = 0;
  let from = 0;
  for (const to of [...cuts, input.length]) {
    const here = conts.filter((c) => c >= from && c < to).map((c) => c - from);
    const r = m.push(input.subarray(from, to), here);
    out.push(r.data);
    hits += r.hits;
    from = to;
  }
  const rest = m.end();
  out.push(rest.data);
  return { text: Buffer.concat(out), hits: hits + rest.hits };
}

function frame(stream: 1 | 2, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

async function* chunksOf(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('LogMasker', () => {
  it('masks a secret cut by every possible socket read, and leaves other bytes exact', () => {
    const input = Buffer.concat([
      Buffer.from(`${TS1}login ok\n${TS1}pw=`),
      SECRET,
      Buffer.from([0xff, 0x00, 0x1b, 0x0a]),
    ]);
    const expected = Buffer.concat([
      Buffer.from(`${TS1}login ok\n${TS1}pw=***`),
      Buffer.from([0xff, 0x00, 0x1b, 0x0a]),
    ]);
    for (let cut = 1; cut < input.length; cut++) {
      const r = maskIn(input, [cut], true);
      expect(r.text.equals(expected), `cut at ${cut}`).toBe(true);
      expect(r.hits).toBe(1);
    }
  });

  it('masks a secret across a piece boundary of a long line, keeping the piece timestamp', () => {
    const head = Buffer.from(`${TS1}${'x'.repeat(50)}pw=${SECRET.subarray(0, 7)}`);
    const tail = Buffer.from(`${TS2}${SECRET.subarray(7)} done\n`);
    const input = Buffer.concat([head, tail]);
    const want = `${TS1}${'x'.repeat(50)}pw=***${TS2} done\n`;
    // Framed: the demuxer names where the continuing piece begins.
    expect(maskIn(input, [], true, [head.length]).text.toString()).toBe(want);
    expect(maskIn(input, [head.length], true, [head.length]).text.toString()).toBe(want);
    // Unframed (a TTY log): the mid-line timestamp is recognised in the bytes, at any read.
    for (let cut = 1; cut < input.length; cut += 3) {
      const r = maskIn(input, [cut], false);
      expect(r.text.toString(), `cut at ${cut}`).toBe(want);
      expect(r.hits).toBe(1);
    }
  });

  it('without a secret, every byte comes out as it went in, cut anywhere', () => {
    const input = Buffer.from(`${TS1}${'y'.repeat(40)}\n${TS2}hunter2-s3cret-valu\n`);
    for (let cut = 1; cut < input.length; cut += 5) {
      expect(maskIn(input, [cut], false).text.equals(input)).toBe(true);
      expect(maskIn(input, [cut], true, [cut]).text.equals(input)).toBe(true);
    }
  });

  it('counts every occurrence, overlapping secrets masked as one run', () => {
    const m = new LogMasker([Buffer.from('abcdef'), Buffer.from('defghi')], true);
    const r1 = m.push(Buffer.from('1 abcdefghi 2 abcdef 3'));
    const r2 = m.end();
    expect(Buffer.concat([r1.data, r2.data]).toString()).toBe('1 *** 2 *** 3');
    expect(r1.hits + r2.hits).toBe(3);
  });

  it('recognises only RFC 3339 timestamps as piece prefixes', () => {
    expect(timestampPrefixLength(Buffer.from(`${TS1}x`), 0)).toBe(TS1.length);
    expect(timestampPrefixLength(Buffer.from('2026-12-03T07:37:42+01:00 x'), 0)).toBe(26);
    expect(timestampPrefixLength(Buffer.from('2026-12-03 07:37:42 x'), 0)).toBe(0);
    expect(timestampPrefixLength(Buffer.from('hunter2'), 0)).toBe(0);
  });
});

describe('demuxLogs', () => {
  it('names the offsets of frames that continue an unfinished line, at any socket read size', async () => {
    const piece1 = Buffer.from(`${TS1}${'a'.repeat(100)}`);
    const piece2 = Buffer.from(`${TS2}${'b'.repeat(60)}\n`);
    const err = Buffer.from(`${TS1}on stderr\n`);
    const wire = Buffer.concat([frame(1, piece1), frame(2, err), frame(1, piece2)]);
    for (const size of [1, 7, 8, 9, 33, 64, 500]) {
      const out: Record<string, Buffer[]> = { stdout: [], stderr: [] };
      const conts: Record<string, number[]> = { stdout: [], stderr: [] };
      for await (const c of demuxLogs(chunksOf(wire, size))) {
        const before = Buffer.concat(out[c.stream]!).length;
        for (const o of c.continuations ?? []) {
          conts[c.stream]!.push(before + o);
          // The piece's whole timestamp is in the same chunk as its start.
          expect(timestampPrefixLength(c.data, o)).toBe(TS2.length);
        }
        out[c.stream]!.push(Buffer.from(c.data));
      }
      expect(Buffer.concat(out.stdout!).equals(Buffer.concat([piece1, piece2]))).toBe(true);
      expect(Buffer.concat(out.stderr!).equals(err)).toBe(true);
      expect(conts.stdout, `read size ${size}`).toEqual([piece1.length]);
      expect(conts.stderr).toEqual([]);
    }
  });
});
