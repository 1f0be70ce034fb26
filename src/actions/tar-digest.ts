/**
 * The content of a tar as a tree: each entry's type, and each regular file's size and SHA-256
 * (hashed as it streams; nothing is kept). What a restore test compares: the backup's tree with
 * the tree the engine gives back after restoring it.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract } from 'tar-stream';

export interface TreeEntry {
  type: string;
  size?: number;
  sha256?: string;
  /** Symlinks and hard links: where they point. */
  linkname?: string;
}

export type Tree = Map<string, TreeEntry>;

const clean = (name: string) => name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');

export async function tarTree(source: AsyncIterable<Uint8Array> | Readable): Promise<Tree> {
  const tree: Tree = new Map();
  const ex = tarExtract();
  ex.on('entry', (header, stream, next) => {
    const name = clean(header.name);
    if (header.type === 'file' || header.type === 'contiguous-file') {
      const h = createHash('sha256');
      let size = 0;
      stream.on('data', (b: unknown) => {
        const buf = b as Buffer;
        size += buf.length;
        h.update(buf);
      });
      stream.on('end', () => {
        tree.set(name, { type: 'file', size, sha256: h.digest('hex') });
        next();
      });
      stream.on('error', next);
      return;
    }
    tree.set(name, {
      type: header.type ?? 'file',
      ...(header.linkname ? { linkname: header.linkname } : {}),
    });
    stream.on('end', () => next());
    stream.resume();
  });
  const input = source instanceof Readable ? source : Readable.from(source);
  await pipeline(input, ex);
  return tree;
}

/** What differs between the backup's tree and the restored one, one line each (first `max`). */
export function treeDifferences(backup: Tree, restored: Tree, max = 20): string[] {
  const out: string[] = [];
  for (const [name, b] of backup) {
    const r = restored.get(name);
    if (!r) out.push(`${name}: missing after the restore`);
    else if (r.type !== b.type)
      out.push(`${name}: a ${b.type} in the backup, a ${r.type} restored`);
    else if (b.sha256 !== r.sha256)
      out.push(
        `${name}: SHA-256 ${r.sha256?.slice(0, 12)} restored, ${b.sha256?.slice(0, 12)} in the backup`,
      );
    else if ((b.linkname ?? '') !== (r.linkname ?? ''))
      out.push(
        `${name}: links to ${r.linkname ?? '?'} restored, ${b.linkname ?? '?'} in the backup`,
      );
    if (out.length >= max) return out;
  }
  for (const name of restored.keys()) {
    if (!backup.has(name)) out.push(`${name}: restored but not in the backup`);
    if (out.length >= max) return out;
  }
  return out;
}
