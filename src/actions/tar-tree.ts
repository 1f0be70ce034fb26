/**
 * Checks each tar entry against the tree the archive itself builds, as the engine extracts it:
 * names cleaned as Go's filepath.Clean does, every entry under one top-level directory, every
 * entry's parent a directory an earlier entry made (never a symlink or a file an earlier entry
 * made, so a chain like `data/a → .`, `data/a/b → ..`, `data/b/etc/passwd` is refused at its
 * second entry), the top itself a directory, hard links only to earlier regular files, no devices.
 * Pure: no I/O.
 */
import { posix } from 'node:path';
import type { TarEntry } from './tar-headers.js';

interface Node {
  kind: 'directory' | 'file' | 'symlink' | 'other';
  children?: Map<string, Node>;
}

/** Go's filepath.Clean for a relative name: no empty or `.` parts, no trailing slash. */
export function cleanName(name: string): string {
  return name
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

/** The lexical checks: absolute names, `..`, names outside `top/`, devices, links that leave. */
export function unsafeName(
  h: { name: string; type?: string | null; linkname?: string | null },
  top: string,
): string | undefined {
  const raw = h.name;
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return `absolute path ${raw}`;
  if (raw.split('/').includes('..')) return `path with .. (${raw})`;
  const name = cleanName(raw);
  if (name !== top && !name.startsWith(`${top}/`)) return `entry outside ${top}/ (${raw})`;
  if (h.type === 'device' || h.type === 'character-device' || h.type === 'block-device')
    return `device file ${raw}`;
  if (h.type === 'symlink' || h.type === 'link') {
    const link = h.linkname ?? '';
    if (link === '') return `link ${raw} with an empty target`;
    if (link.startsWith('/')) return `link ${raw} → absolute target ${link}`;
    if (h.type === 'link' && link.split('/').includes('..')) return `hard link ${raw} → ${link}`;
    const target =
      h.type === 'symlink' ? posix.normalize(posix.join(posix.dirname(name), link)) : link;
    const t = cleanName(target);
    if (t !== top && !t.startsWith(`${top}/`)) return `link ${raw} → ${link} escapes ${top}/`;
  }
  return undefined;
}

export class ArchiveTree {
  /** Entries checked and accepted. */
  entries = 0;
  private readonly root: Node = { kind: 'directory', children: new Map() };

  /**
   * @param top the one top-level name (the basename of the restored directory)
   * @param fileTop whether the top may be a single regular file (a bind-mounted file)
   */
  constructor(
    private readonly top: string,
    private readonly fileTop = false,
  ) {}

  /** Why the entry may not be restored, or undefined (and the entry is added to the tree). */
  add(e: TarEntry): string | undefined {
    const lexical = unsafeName(e, this.top);
    if (lexical) return lexical;
    const name = cleanName(e.name);
    const parts = name.split('/');
    const first = this.entries === 0;
    if (name === this.top) {
      const loneFile = this.fileTop && first && e.type === 'file';
      if (e.type !== 'directory' && !loneFile)
        return `a ${e.type} ${e.name}${e.type === 'symlink' ? ` → ${e.linkname}` : ''} in place of the top directory ${this.top}/`;
    } else if (first) return `the first entry is ${e.name}, not the directory ${this.top}/`;

    // Walk to the parent: each step must be a directory that an earlier entry made.
    let dir = this.root;
    for (const [i, p] of parts.slice(0, -1).entries()) {
      const at = parts.slice(0, i + 1).join('/');
      const n = dir.children?.get(p);
      if (!n) return `${e.name}: its directory ${at}/ is not an earlier entry of the archive`;
      if (n.kind === 'symlink')
        return `${e.name} is under ${at}, which an earlier entry made a symlink`;
      if (n.kind !== 'directory')
        return `${e.name} is under ${at}, which an earlier entry made a file`;
      dir = n;
    }
    if (e.type === 'link') {
      const target = this.find(cleanName(e.linkname));
      if (cleanName(e.linkname) === name || target?.kind !== 'file')
        return `hard link ${e.name} → ${e.linkname}: not an earlier regular file of the archive`;
    }
    const leaf = parts[parts.length - 1] ?? '';
    const children = dir.children ?? new Map<string, Node>();
    const existing = children.get(leaf);
    if (existing?.kind === 'directory' && e.type === 'directory') {
      // The engine merges a directory into an existing one.
    } else {
      // Anything else replaces what was there, and everything under it.
      children.set(
        leaf,
        e.type === 'directory'
          ? { kind: 'directory', children: new Map() }
          : {
              kind:
                e.type === 'file' || e.type === 'link'
                  ? 'file'
                  : e.type === 'symlink'
                    ? 'symlink'
                    : 'other',
            },
      );
    }
    if (this.fileTop && first && e.type === 'file') {
      // A lone file: nothing may follow it (there is no directory to hold it).
      this.root.children?.set(this.top, { kind: 'other' });
    }
    this.entries++;
    return undefined;
  }

  private find(name: string): Node | undefined {
    let n: Node | undefined = this.root;
    for (const p of name.split('/')) {
      if (n?.kind !== 'directory') return undefined;
      n = n.children?.get(p);
    }
    return n;
  }
}
