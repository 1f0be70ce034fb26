/**
 * The disk writer for evidence and backups: directories 0700, files 0600, each file streamed with
 * its SHA-256 computed on the way and fsynced before it counts as written.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  chmod,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile as fsWriteFile,
} from 'node:fs/promises';
import type { EvidenceFiles, HashingWriter, WrittenFile } from '../actions/files-port.js';

async function createWriter(path: string): Promise<HashingWriter> {
  const fh = await open(path, 'wx', 0o600);
  await fh.chmod(0o600);
  const hash = createHash('sha256');
  let bytes = 0;
  let closed: WrittenFile | undefined;
  const finish = async (sync: boolean): Promise<WrittenFile> => {
    if (closed) return closed;
    try {
      if (sync) await fh.sync();
    } finally {
      await fh.close();
    }
    closed = { bytes, sha256: hash.digest('hex') };
    return closed;
  };
  return {
    path,
    async write(chunk) {
      if (chunk.length === 0) return;
      hash.update(chunk);
      let off = 0;
      while (off < chunk.length) {
        const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
        off += bytesWritten;
      }
      bytes += chunk.length;
    },
    close: () => finish(true),
    abort: () => finish(false),
  };
}

export function createEvidenceFiles(): EvidenceFiles {
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
    async writeFile(path, data) {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      await fsWriteFile(path, buf, { mode: 0o600, flag: 'wx' });
      const fh = await open(path, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      return { bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') };
    },
    async replaceFile(path, data) {
      const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      await fsWriteFile(tmp, buf, { mode: 0o600, flag: 'wx' });
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      return { bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') };
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
