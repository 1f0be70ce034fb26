/**
 * A tar header reader that sees each entry as the engine will. The engine extracts with Go's
 * archive/tar, and a general-purpose reader (tar-stream) differs from it where an attacker can use
 * the difference: global PAX records, a GNU long name beside a PAX path, the size field of a link
 * or a symlink, blocks after the end-of-archive marker. So this reader follows Go's rules for what
 * it accepts, and refuses everything where a reader could reasonably differ (global PAX headers,
 * two names for one entry, sparse files, V7 and star headers). It reads headers only: the bytes of
 * the archive pass unchanged; file contents are skipped.
 */

export type TarEntryType = 'file' | 'link' | 'symlink' | 'directory' | 'fifo' | 'device';

export interface TarEntry {
  /** The name as the engine's reader returns it (before it is cleaned). */
  name: string;
  linkname: string;
  type: TarEntryType;
  size: number;
}

/** The archive is not one whose every entry Warden can be sure the engine reads the same way. */
export class TarHeaderError extends Error {
  override readonly name = 'TarHeaderError';
}

const BLOCK = 512;
/** Go's archive/tar refuses PAX and GNU long-name records larger than this. */
const MAX_SPECIAL = 1 << 20;
const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '1': 'link',
  '2': 'symlink',
  '3': 'device',
  '4': 'device',
  '5': 'directory',
  '6': 'fifo',
};

const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

/** A NUL-terminated field, as bytes read as latin1 (one character per byte, nothing merged). */
function field(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? s.length : nul).toString('latin1');
}

/** Go's parseNumeric: base-256 when the high bit is set, else octal padded with spaces/NULs. */
function numeric(b: Buffer, off: number, len: number, what: string): number {
  const s = b.subarray(off, off + len);
  if (s.length > 0 && ((s[0] ?? 0) & 0x80) !== 0) {
    if (((s[0] ?? 0) & 0x40) !== 0) throw new TarHeaderError(`negative ${what} in a tar header`);
    let x = BigInt((s[0] ?? 0) & 0x7f);
    for (const c of s.subarray(1)) x = (x << 8n) | BigInt(c);
    if (x > BigInt(Number.MAX_SAFE_INTEGER)) throw new TarHeaderError(`${what} out of range`);
    return Number(x);
  }
  let t = s.toString('latin1').replace(/^[ \0]+|[ \0]+$/g, '');
  if (t === '') return 0;
  t = t.split('\0')[0] ?? '';
  if (!/^[0-7]+$/.test(t)) throw new TarHeaderError(`malformed ${what} field in a tar header`);
  const v = parseInt(t, 8);
  if (!Number.isSafeInteger(v)) throw new TarHeaderError(`${what} out of range`);
  return v;
}

function checksumOk(b: Buffer): boolean {
  const stored = numeric(b, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (b[i] ?? 0);
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

/** Go's parsePAX and validPAXRecord: `<len> <key>=<value>\n` records, strictly. */
function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let s = data.toString('latin1');
  while (s.length > 0) {
    const sp = s.indexOf(' ');
    const n = sp > 0 ? Number(s.slice(0, sp)) : NaN;
    if (!/^\d+$/.test(s.slice(0, sp)) || n < 5 || n > s.length || n <= sp + 1)
      throw new TarHeaderError('malformed PAX record');
    const rec = s.slice(sp + 1, n);
    s = s.slice(n);
    if (!rec.endsWith('\n')) throw new TarHeaderError('malformed PAX record');
    const eq = rec.indexOf('=');
    if (eq <= 0) throw new TarHeaderError('malformed PAX record');
    const key = rec.slice(0, eq);
    const value = rec.slice(eq + 1, -1);
    if (key.includes('\0') || (/^(path|linkpath|uname|gname)$/.test(key) && value.includes('\0')))
      throw new TarHeaderError('PAX record with a NUL byte');
    if (key.startsWith('GNU.sparse.')) throw new TarHeaderError('sparse file in the archive');
    out.set(key, value);
  }
  return out;
}

/**
 * Incremental: `write` each chunk of the (decompressed) tar stream, then `end`. `onEntry` is called
 * for each entry the engine would extract, in order. Throws TarHeaderError on the first header it
 * refuses, and at `end` when the archive stops before its end-of-archive marker.
 */
export class TarHeaderReader {
  /** Bytes of tar read so far. */
  bytes = 0;
  private parts: Buffer[] = [];
  private have = 0;
  private skip = 0;
  private meta: { kind: 'x' | 'L' | 'K'; size: number } | undefined;
  private pax: Map<string, string> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private zeroBlocks = 0;

  constructor(private readonly onEntry: (e: TarEntry) => void) {}

  write(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.bytes += buf.length;
    let off = 0;
    while (off < buf.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - off);
        off += n;
        this.skip -= n;
        continue;
      }
      if (this.zeroBlocks >= 2) {
        // After the end-of-archive marker the engine reads nothing: only zero padding may follow.
        if (buf.subarray(off).some((c) => c !== 0))
          throw new TarHeaderError('data after the end-of-archive marker');
        return;
      }
      const need = this.meta ? padded(this.meta.size) : BLOCK;
      const take = Math.min(need - this.have, buf.length - off);
      this.parts.push(buf.subarray(off, off + take));
      this.have += take;
      off += take;
      if (this.have < need) return;
      const block = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
      this.parts = [];
      this.have = 0;
      const meta = this.meta;
      this.meta = undefined;
      if (meta) this.onMeta(meta.kind, block.subarray(0, meta.size));
      else this.onHeader(block);
    }
  }

  end(): void {
    if (this.skip > 0 || this.have > 0 || this.meta || this.zeroBlocks < 2)
      throw new TarHeaderError('the archive ends before its end-of-archive marker (truncated)');
  }

  private onMeta(kind: 'x' | 'L' | 'K', data: Buffer): void {
    if (kind === 'x') this.pax = parsePax(data);
    else {
      const nul = data.indexOf(0);
      const s = data.subarray(0, nul < 0 ? data.length : nul).toString('latin1');
      if (kind === 'L') this.longName = s;
      else this.longLink = s;
    }
  }

  private onHeader(b: Buffer): void {
    if (b.every((c) => c === 0)) {
      if (this.pax || this.longName !== undefined || this.longLink !== undefined)
        throw new TarHeaderError('an extended header with no entry after it');
      this.zeroBlocks++;
      return;
    }
    if (this.zeroBlocks > 0) throw new TarHeaderError('a header after an end-of-archive block');
    if (!checksumOk(b)) throw new TarHeaderError('bad tar header checksum');
    const magic = b.subarray(257, 263).toString('latin1');
    const version = b.subarray(263, 265).toString('latin1');
    const ustar = magic === 'ustar\0';
    const gnu = magic === 'ustar ' && version === ' \0';
    if (ustar && b.subarray(508, 512).toString('latin1') === 'tar\0')
      throw new TarHeaderError('star-format tar header (not supported)');
    if (!ustar && !gnu) throw new TarHeaderError('not a ustar, PAX or GNU tar header');
    // Go reads a GNU header's atime/ctime where ustar keeps a name prefix, and falls back to the
    // prefix when they do not parse: refuse the ambiguity.
    if (gnu && ((b[345] ?? 0) !== 0 || (b[357] ?? 0) !== 0))
      throw new TarHeaderError('GNU tar header with access/change times (not supported)');
    const flag = String.fromCharCode(b[156] ?? 0);
    let size = numeric(b, 124, 12, 'size');
    for (const [o, l, w] of [
      [100, 8, 'mode'],
      [108, 8, 'uid'],
      [116, 8, 'gid'],
      [136, 12, 'mtime'],
      [329, 8, 'device major'],
      [337, 8, 'device minor'],
    ] as const)
      numeric(b, o, l, w);

    if (flag === 'x' || flag === 'L' || flag === 'K') {
      if (size > MAX_SPECIAL) throw new TarHeaderError('extended header too large');
      const twice = flag === 'x' ? this.pax : flag === 'L' ? this.longName : this.longLink;
      if (twice !== undefined)
        throw new TarHeaderError('two extended headers of one kind for one entry');
      this.meta = { kind: flag, size };
      return;
    }
    if (flag === 'g') throw new TarHeaderError('global PAX header (readers disagree on it)');
    const type = TYPES[flag];
    if (!type) throw new TarHeaderError(`unsupported tar entry type ${JSON.stringify(flag)}`);

    let name = field(b, 0, 100);
    let linkname = field(b, 157, 100);
    if (ustar) {
      const prefix = field(b, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    const pax = this.pax;
    this.pax = undefined;
    if (pax) {
      const path = pax.get('path') ?? '';
      const link = pax.get('linkpath') ?? '';
      if (path && this.longName !== undefined)
        throw new TarHeaderError('an entry with both a GNU long name and a PAX path');
      if (link && this.longLink !== undefined)
        throw new TarHeaderError('an entry with both a GNU long link and a PAX linkpath');
      if (path) name = path;
      if (link) linkname = link;
      const s = pax.get('size') ?? '';
      if (s) {
        if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s)))
          throw new TarHeaderError('malformed PAX size');
        size = Number(s);
      }
      for (const k of ['uid', 'gid'])
        if (pax.get(k) && !/^\d+$/.test(pax.get(k) ?? ''))
          throw new TarHeaderError(`malformed PAX ${k}`);
      for (const k of ['mtime', 'atime', 'ctime'])
        if (pax.get(k) && !/^-?\d+(\.\d+)?$/.test(pax.get(k) ?? ''))
          throw new TarHeaderError(`malformed PAX ${k}`);
    }
    if (this.longName !== undefined) name = this.longName;
    if (this.longLink !== undefined) linkname = this.longLink;
    this.longName = undefined;
    this.longLink = undefined;
    const real: TarEntryType = flag === '\0' && name.endsWith('/') ? 'directory' : type;
    // As Go: the size of every type but a regular file is ignored (no data follows it).
    const data = real === 'file' ? size : 0;
    this.skip = padded(data);
    this.onEntry({ name, linkname, type: real, size: data });
  }
}
