/**
 * Masking of a container's log stream, byte for byte, across every boundary the bytes cross on the
 * way: socket reads, the engine's frames, and the engine's 16 KiB pieces of a long line. Pure.
 *
 * The engine stores a line longer than 16 KiB as several messages; with timestamps on, each piece
 * comes back with its own timestamp, so `…password=hun` `2026-…Z ` `ter2…` is what reaches us. The
 * masker matches secrets over the line's text with those mid-line timestamps taken out, and writes
 * them back where they were: `…password=***2026-…Z …`. Everything that is not a secret stays
 * byte-exact (log evidence may be binary).
 *
 * Where the frames are known (multiplexed logs), the demuxer names the offsets at which a frame
 * continues an unfinished line. A TTY container's log has no frames: there, any RFC 3339 timestamp
 * that does not start a line is taken for a piece's prefix (masking across an application's own
 * mid-line timestamp as well, which only masks more).
 */

import { LOG_TIMESTAMP_MAX as TS_MAX } from '../engine/docker-control-port.js';

const MASK = Buffer.from('***');
const EMPTY = Buffer.alloc(0);
const TS_RE = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) /g;

/** Length of an RFC 3339 timestamp and its space at `at`, or 0. */
export function timestampPrefixLength(buf: Uint8Array, at: number): number {
  const head = Buffer.from(buf.buffer, buf.byteOffset + at, Math.min(TS_MAX, buf.length - at));
  TS_RE.lastIndex = 0;
  const m = TS_RE.exec(head.toString('latin1'));
  return m && m.index === 0 ? m[0].length : 0;
}

interface Segment {
  /** Raw offsets of a run of text (no timestamp prefix inside). */
  raw: number;
  log: number;
  len: number;
}

export interface MaskedBytes {
  data: Buffer;
  hits: number;
}

/** One stream's masker (stdout and stderr each get their own: their lines interleave). */
export class LogMasker {
  private held: Buffer = EMPTY;
  /** Timestamp prefixes inside `held`, as [start, end) raw offsets. */
  private heldOpaque: [number, number][] = [];
  /** Whether the byte before `held` ended a line (or nothing was seen yet). */
  private atLineStart = true;
  private readonly longest: number;

  /**
   * @param secrets byte strings to replace with `***`
   * @param framed true when the caller names continuation offsets (multiplexed logs); false to
   *   find mid-line timestamps in the bytes (a TTY log)
   */
  constructor(
    private readonly secrets: readonly Buffer[],
    private readonly framed: boolean,
  ) {
    this.longest = Math.max(1, ...secrets.map((s) => s.length));
  }

  /** Masks the next bytes; `continuations` are offsets in `data` where a frame continues a line. */
  push(data: Uint8Array, continuations: readonly number[] = []): MaskedBytes {
    const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return this.run(chunk, continuations, false);
  }

  /** What is still held back, masked. */
  end(): MaskedBytes {
    return this.run(EMPTY, [], true);
  }

  private run(chunk: Buffer, continuations: readonly number[], final: boolean): MaskedBytes {
    const base = this.held.length;
    const buf = base ? (chunk.length ? Buffer.concat([this.held, chunk]) : this.held) : chunk;
    if (buf.length === 0) return { data: EMPTY, hits: 0 };
    const opaque = this.framed
      ? [...this.heldOpaque, ...this.prefixesAt(buf, base, continuations)]
      : this.inferPrefixes(buf);
    const segments = textSegments(buf.length, opaque);
    const logLen = segments.reduce((n, s) => n + s.len, 0);
    const text = opaque.length ? Buffer.concat(segments.map((s) => slice(buf, s))) : buf;
    const matches = findAll(text, this.secrets);

    // Everything before `cut` (in the text) is final: no secret that starts there can still grow.
    let cut = final ? logLen : Math.max(0, logLen - (this.longest - 1));
    for (const [s, e] of matches) if (s < cut && e > cut) cut = e;
    if (!this.framed && !final) {
      // A timestamp may straddle the next read: keep enough raw bytes to recognise it.
      cut = Math.min(cut, logBefore(segments, buf.length - TS_MAX));
      for (const [s, e] of matches) if (s < cut && e > cut) cut = s;
    }
    let rawCut = cut === 0 ? 0 : rawOf(segments, cut - 1) + 1;
    if (final) rawCut = buf.length;

    const done = matches.filter(([s]) => s < cut);
    const out = done.length ? rewrite(buf, segments, done, rawCut) : buf.subarray(0, rawCut);
    const rest = buf.subarray(rawCut);
    this.held = rest.length ? Buffer.from(rest) : EMPTY;
    this.heldOpaque = this.framed
      ? opaque.filter(([s]) => s >= rawCut).map(([s, e]) => [s - rawCut, e - rawCut])
      : [];
    if (rawCut > 0) this.atLineStart = buf[rawCut - 1] === 0x0a;
    return { data: out, hits: done.reduce((n, m) => n + m[2], 0) };
  }

  /** Timestamp prefixes at the continuation offsets of the new bytes. */
  private prefixesAt(buf: Buffer, base: number, at: readonly number[]): [number, number][] {
    const out: [number, number][] = [];
    for (const o of at) {
      const start = base + o;
      const len = timestampPrefixLength(buf, start);
      if (len) out.push([start, start + len]);
    }
    return out;
  }

  /** Mid-line timestamps anywhere in the bytes (no frames to go by). */
  private inferPrefixes(buf: Buffer): [number, number][] {
    const out: [number, number][] = [];
    const s = buf.toString('latin1');
    TS_RE.lastIndex = 0;
    for (let m = TS_RE.exec(s); m; m = TS_RE.exec(s)) {
      const before = m.index === 0 ? (this.atLineStart ? 0x0a : -1) : buf[m.index - 1];
      if (before !== 0x0a) out.push([m.index, m.index + m[0].length]);
    }
    return out;
  }
}

function slice(buf: Buffer, s: Segment): Buffer {
  return buf.subarray(s.raw, s.raw + s.len);
}

/** The text runs between the timestamp prefixes. */
function textSegments(rawLen: number, opaque: readonly [number, number][]): Segment[] {
  const out: Segment[] = [];
  let raw = 0;
  let log = 0;
  for (const [s, e] of [...opaque].sort((a, b) => a[0] - b[0])) {
    if (s > raw) out.push({ raw, log, len: s - raw });
    log += Math.max(0, s - raw);
    raw = Math.max(raw, e);
  }
  if (rawLen > raw) out.push({ raw, log, len: rawLen - raw });
  return out;
}

/** How many text bytes lie before the raw offset `limit`. */
function logBefore(segments: readonly Segment[], limit: number): number {
  let n = 0;
  for (const s of segments) n += Math.max(0, Math.min(s.len, limit - s.raw));
  return n;
}

function rawOf(segments: readonly Segment[], log: number): number {
  for (const s of segments) if (log < s.log + s.len) return s.raw + (log - s.log);
  const last = segments[segments.length - 1];
  return last ? last.raw + last.len - 1 : 0;
}

/** Every occurrence of every secret, merged where they overlap: [start, end, count]. */
function findAll(text: Buffer, secrets: readonly Buffer[]): [number, number, number][] {
  const found: [number, number][] = [];
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + secret.length))
      found.push([at, at + secret.length]);
  }
  if (found.length === 0) return [];
  found.sort((a, b) => a[0] - b[0]);
  const merged: [number, number, number][] = [];
  for (const [s, e] of found) {
    const last = merged[merged.length - 1];
    if (last && s < last[1]) {
      last[1] = Math.max(last[1], e);
      last[2]++;
    } else merged.push([s, e, 1]);
  }
  return merged;
}

/**
 * The raw bytes up to `rawCut` with each match's text replaced by one `***`; the timestamp
 * prefixes inside a match stay where they were.
 */
function rewrite(
  buf: Buffer,
  segments: readonly Segment[],
  matches: readonly [number, number, number][],
  rawCut: number,
): Buffer {
  const parts: Buffer[] = [];
  let raw = 0;
  for (const [s, e] of matches) {
    const rs = rawOf(segments, s);
    parts.push(buf.subarray(raw, rs), MASK);
    // Keep the prefixes that fall inside the match, drop its text.
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const a = Math.max(s, seg.log);
      const b = Math.min(e, seg.log + seg.len);
      if (a >= b) continue;
      const next = segments[i + 1];
      if (b === seg.log + seg.len && next && next.log < e)
        parts.push(buf.subarray(seg.raw + seg.len, next.raw));
    }
    raw = rawOf(segments, e - 1) + 1;
  }
  parts.push(buf.subarray(raw, rawCut));
  return Buffer.concat(parts);
}
