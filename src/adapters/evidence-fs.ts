/**
 * The disk writer for evidence and backups: directories 0700, files 0600, each file streamed with
 * its SHA-256 computed on the way and fsynced before it counts as written. The hash and the size
 * take in only the bytes the kernel acknowledged: when a write fails part-way (a full disk), what
 * is recorded is what is on disk, so an honest session still verifies.
 *
 * Also the verifier's reader (SessionFilesPort): it stays inside the session directory.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { EvidenceFiles, HashingWriter, WrittenFile } from '../actions/files-port.js';
import type { InsideRead, SessionFilesPort, TreeEntry } from '../journal/recorded-files.js';

/** The part of a file handle the writer uses: tests inject one that fails after N bytes. */
export interface WritableFile {
  write(buf: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Creates `path` exclusively, mode 0600. */
export type OpenForWrite = (path: string) => Promise<WritableFile>;

const openExclusive: OpenForWrite = async (path) => {
  const fh = await open(path, 'wx', 0o600);
  await fh.chmod(0o600);
  return fh;
};

function shortWrite(): NodeJS.ErrnoException {
  return Object.assign(new Error('short write (disk full?)'), { code: 'ENOSPC' });
}

async function createWriterWith(openFile: OpenForWrite, path: string): Promise<HashingWriter> {
  const fh = await openFile(path);
  const hash = createHash('sha256');
  let bytes = 0;
  let failed: unknown;
  let closed: WrittenFile | undefined;
  const finish = async (sync: boolean): Promise<WrittenFile> => {
    if (closed) return closed;
    try {
      // After a failed write the file is kept as far as it got; its fsync must not hide that.
      if (sync && failed === undefined) await fh.sync();
      else await fh.sync().catch(() => undefined);
    } finally {
      await fh.close();
      closed = { bytes, sha256: hash.digest('hex') };
    }
    return closed;
  };
  return {
    path,
    async write(chunk) {
      if (failed !== undefined) throw failed;
      let off = 0;
      try {
        while (off < chunk.length) {
          const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
          if (bytesWritten <= 0) throw shortWrite();
          // Only what reached the file is hashed and counted.
          hash.update(chunk.subarray(off, off + bytesWritten));
          bytes += bytesWritten;
          off += bytesWritten;
        }
      } catch (err) {
        failed = err;
        throw err;
      }
    },
    close: () => finish(true),
    abort: () => finish(false),
  };
}

/**
 * Writes `data` to a new `path` whole or not at all: a write or fsync that fails removes the part
 * written, so no unrecorded fragment is left beside the recorded files.
 */
async function writeWhole(openFile: OpenForWrite, path: string, data: Uint8Array) {
  const w = await createWriterWith(openFile, path);
  try {
    await w.write(data);
    return await w.close();
  } catch (err) {
    await w.abort().catch(() => undefined);
    await rm(path, { force: true }).catch(() => undefined);
    throw err;
  }
}

export function createEvidenceFiles(opts: { openForWrite?: OpenForWrite } = {}): EvidenceFiles {
  const openFile = opts.openForWrite ?? openExclusive;
  const createWriter = (path: string) => createWriterWith(openFile, path);
  const bytesOf = (data: string | Uint8Array) =>
    typeof data === 'string' ? Buffer.from(data) : data;
  return {
    async mkdirPrivate(path) {
      await mkdir(path, { recursive: true, mode: 0o700 });
      await chmod(path, 0o700);
    },
    createWriter,
    async writeStream(path, source) {
      const w = await createWriter(path);
      try {
        for await (const chunk of source) await w.write(chunk);
      } catch (err) {
        await w.abort();
        throw err;
      }
      return w.close();
    },
    writeFile: (path, data) => writeWhole(openFile, path, bytesOf(data)),
    async replaceFile(path, data) {
      const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
      const written = await writeWhole(openFile, tmp, bytesOf(data));
      await rename(tmp, path);
      return written;
    },
    readFile: (path) => readFile(path),
    readStream: (path) => createReadStream(path, { highWaterMark: 1 << 20 }),
    async hashFile(path) {
      try {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
          hash.update(chunk as Buffer);
          bytes += (chunk as Buffer).length;
        }
        return { bytes, sha256: hash.digest('hex') };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async exists(path) {
      try {
        await stat(path);
        return true;
      } catch {
        return false;
      }
    },
    async mode(path) {
      try {
        return (await stat(path)).mode & 0o777;
      } catch {
        return undefined;
      }
    },
    async list(dir) {
      try {
        return (await readdir(dir)).sort();
      } catch {
        return [];
      }
    },
    async remove(path) {
      await rm(path, { force: true });
    },
  };
}

/** What a recorded path may not be, from an lstat. */
function refusal(st: {
  isSymbolicLink(): boolean;
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isSymbolicLink()) return 'a symlink (refused: a recorded file is never a link)';
  if (st.isDirectory()) return 'a directory, not a file';
  if (st.isFIFO()) return 'a named pipe (FIFO), not a regular file: not read';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device, not a regular file: not read';
  if (st.isSocket()) return 'a socket, not a regular file';
  return 'not a regular file';
}

/** Refuses to follow anything out of the session: each component is lstat'ed from the root down. */
async function hashInside(root: string, rel: string, maxBytes?: number): Promise<InsideRead> {
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..') || rel.startsWith('/'))
    return { kind: 'refused', reason: 'path outside the session' };
  let at = root;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    let st;
    try {
      st = await lstat(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      return { kind: 'refused', reason: `cannot read it (${code ?? 'error'})` };
    }
    const last = i === parts.length - 1;
    if (st.isSymbolicLink())
      return {
        kind: 'refused',
        reason: `${last ? '' : `${parts.slice(0, i + 1).join('/')} is `}a symlink (refused: verify never follows a link out of the session)`,
      };
    if (!last && !st.isDirectory())
      return { kind: 'refused', reason: `${parts.slice(0, i + 1).join('/')} is not a directory` };
    if (last && !st.isFile()) return { kind: 'refused', reason: refusal(st) };
  }
  let fh: FileHandle;
  try {
    // O_NOFOLLOW and O_NONBLOCK: a path swapped for a link or a FIFO since the lstat never blocks.
    fh = await open(at, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP')
      return { kind: 'refused', reason: refusal({ ...FILE_LIKE, isSymbolicLink: () => true }) };
    return { kind: 'refused', reason: `cannot read it (${code ?? 'error'})` };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { kind: 'refused', reason: refusal(st) };
    if (st.nlink > 1)
      return {
        kind: 'refused',
        reason: `a hard link (${st.nlink} names; Warden never makes one): not read`,
      };
    // Bounded: at most the recorded size (or the file's own) plus one byte, to see that it is longer.
    const limit = (maxBytes ?? st.size) + 1;
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit));
    let bytes = 0;
    while (bytes < limit) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, limit - bytes), null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { kind: 'file', bytes, sha256: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}

const FILE_LIKE = {
  isSymbolicLink: () => false,
  isFile: () => false,
  isDirectory: () => false,
  isFIFO: () => false,
  isCharacterDevice: () => false,
  isBlockDevice: () => false,
  isSocket: () => false,
};

/** Bounds the walk: a tree of more entries than this is reported as cut short. */
const MAX_TREE_ENTRIES = 100_000;

async function listTree(root: string, tree: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const walk = async (rel: string): Promise<void> => {
    let names;
    try {
      names = await readdir(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const d of names.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length >= MAX_TREE_ENTRIES) return;
      const path = `${rel}/${d.name}`;
      const type = d.isSymbolicLink()
        ? 'symlink'
        : d.isDirectory()
          ? 'dir'
          : d.isFile()
            ? 'file'
            : 'other';
      out.push({ path, type });
      if (type === 'dir') await walk(path);
    }
  };
  try {
    const st = await lstat(join(root, tree));
    if (st.isSymbolicLink() || !st.isDirectory())
      return [{ path: tree, type: st.isSymbolicLink() ? 'symlink' : 'other' }];
  } catch {
    return [];
  }
  await walk(tree);
  return out;
}

export function createSessionFiles(): SessionFilesPort {
  return { hashInside, listTree };
}
