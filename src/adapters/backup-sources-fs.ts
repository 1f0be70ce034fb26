/**
 * Reads backups for a restore: real paths resolved, only regular files opened (O_NONBLOCK, so a
 * FIFO never blocks the open; O_NOFOLLOW on the resolved path; the type checked again on the open
 * descriptor), and archives copied into an unlinked private file the restore reads back.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdtemp, open, realpath, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  NotRegularFileError,
  type BackupSources,
  type StagedArchive,
} from '../actions/backup-sources.js';

const CHUNK = 1 << 20;

function kindOf(s: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  return s.isDirectory()
    ? 'a directory'
    : s.isFIFO()
      ? 'a named pipe'
      : s.isSocket()
        ? 'a socket'
        : 'a device or special file';
}

async function resolveReal(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Opens `path` for reading only when it (resolved) is a regular file. */
async function openRegular(path: string): Promise<{ real: string; fh: FileHandle; size: number }> {
  const real = await resolveReal(path);
  if (!real) throw new NotRegularFileError(`${path} does not exist`);
  const st = await lstat(real);
  if (!st.isFile()) throw new NotRegularFileError(`${path} is ${kindOf(st)}, not a regular file`);
  const fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const fst = await fh.stat();
    if (!fst.isFile())
      throw new NotRegularFileError(`${path} is ${kindOf(fst)}, not a regular file`);
    return { real, fh, size: fst.size };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}

export function createBackupSources(): BackupSources {
  return {
    realPath: resolveReal,
    async readRegular(path, maxBytes) {
      const { real, fh, size } = await openRegular(path);
      try {
        if (size > maxBytes)
          throw new NotRegularFileError(`${path} is larger than ${maxBytes} bytes`);
        const parts: Buffer[] = [];
        let total = 0;
        for (;;) {
          const buf = Buffer.alloc(Math.min(CHUNK, maxBytes + 1 - total));
          const { bytesRead } = await fh.read(buf, 0, buf.length, total);
          if (bytesRead === 0) break;
          parts.push(buf.subarray(0, bytesRead));
          total += bytesRead;
          if (total > maxBytes)
            throw new NotRegularFileError(`${path} is larger than ${maxBytes} bytes`);
        }
        return { realPath: real, data: Buffer.concat(parts) };
      } finally {
        await fh.close();
      }
    },
    async stage(path, stagingDir, opts = {}): Promise<StagedArchive> {
      const src = await openRegular(path);
      let dir: string | undefined;
      let copy: FileHandle | undefined;
      try {
        dir = await mkdtemp(join(stagingDir, '.restore-'));
        const file = join(dir, 'archive');
        copy = await open(file, 'wx+', 0o600);
        // Unlinked at once: the copy lives only behind this descriptor, and a crash leaves nothing.
        await unlink(file);
        const hash = createHash('sha256');
        // One block for the whole copy, unless each is handed on (then a fresh one per read).
        const reused = opts.onChunk ? undefined : Buffer.allocUnsafe(CHUNK);
        let bytes = 0;
        for (;;) {
          if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('cancelled');
          const buf = reused ?? Buffer.allocUnsafe(CHUNK);
          const { bytesRead } = await src.fh.read(buf, 0, buf.length, bytes);
          if (bytesRead === 0) break;
          const chunk = buf.subarray(0, bytesRead);
          hash.update(chunk);
          await writeAll(copy, chunk, bytes);
          bytes += bytesRead;
          opts.onBytes?.(bytesRead);
          await opts.onChunk?.(chunk);
        }
        const fh = copy;
        const tmp = dir;
        return {
          realPath: src.real,
          bytes,
          sha256: hash.digest('hex'),
          async *read() {
            let pos = 0;
            while (pos < bytes) {
              // A fresh block per read, handed on as it is: the reader may keep it.
              const b = Buffer.allocUnsafe(Math.min(CHUNK, bytes - pos));
              const { bytesRead } = await fh.read(b, 0, b.length, pos);
              if (bytesRead === 0) break;
              pos += bytesRead;
              yield bytesRead === b.length ? b : b.subarray(0, bytesRead);
            }
          },
          async dispose() {
            await fh.close().catch(() => undefined);
            await rm(tmp, { recursive: true, force: true });
          },
        };
      } catch (err) {
        await copy?.close().catch(() => undefined);
        if (dir) await rm(dir, { recursive: true, force: true });
        throw err;
      } finally {
        await src.fh.close();
      }
    },
  };
}
