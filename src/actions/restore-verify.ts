/**
 * Reading and checking a backup before anything is written: the manifest (found by path or as
 * this container's newest backup in the session), each archive's SHA-256, its encryption as the
 * file header says (never the manifest), the GCM tag, and every tar entry against the directory
 * the archive restores into (derived from `destination`, never the manifest's `extractTo`).
 */
import { createHash } from 'node:crypto';
import { isAbsolute, join, dirname, posix, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { CancelledError, UserError, errorMessage } from '../errors.js';
import { isCancellation } from '../engine/cancel.js';
import {
  BackupIntegrityError,
  MAGIC_BYTES,
  decryptTransform,
  hasEncryptedHeader,
  type KeyMaterial,
} from './backup-crypto.js';
import type { BackupArchive, BackupManifest } from './backup.js';
import { safeName, type ActionDeps, type ContainerRef } from './common.js';

export async function loadBackupManifest(
  deps: ActionDeps,
  ref: string,
  sessionDir?: string,
  target?: ContainerRef,
): Promise<{ manifest: BackupManifest; dir: string; path: string; sha256: string }> {
  const latest = ref === 'latest' && sessionDir !== undefined;
  if (latest) {
    if (!target) throw new UserError('backup "latest" needs the container it was taken from');
    // The newest backup of this container taken in this session: backup.ts names the directory
    // `<safeName(name)>-<stampOf(time)>`, so `web` must not match `web-db-…`.
    const name = safeName(target.name.replace(/^\//, ''));
    const own = new RegExp(`^${name.replace(/[.]/g, '\\.')}-(\\d{8}T[0-9.]+Z)$`);
    const stamps = (await deps.files.list(join(sessionDir, 'backups')))
      .map((d) => own.exec(d)?.[1])
      .filter((t): t is string => t !== undefined)
      .sort();
    // The newest complete one: a cancelled backup is kept but never restored.
    let last: string | undefined;
    for (const t of stamps.reverse()) {
      const m = join(sessionDir, 'backups', `${name}-${t}`, 'manifest.json');
      if (!(await deps.files.exists(m))) continue;
      try {
        if (
          (JSON.parse((await deps.files.readFile(m)).toString('utf8')) as BackupManifest)
            .complete === false
        )
          continue;
      } catch {
        // Unreadable: picked, and refused below with the reason.
      }
      last = t;
      break;
    }
    if (!last)
      throw new UserError(
        `no complete backup of ${target.name} in this session`,
        'run the backup step first, or restore from a backup directory with warden restore',
      );
    ref = join(sessionDir, 'backups', `${name}-${last}`);
  }
  const candidates = [ref, ...(sessionDir && !isAbsolute(ref) ? [join(sessionDir, ref)] : [])];
  for (const c of candidates) {
    const path = c.endsWith('.json') ? resolve(c) : join(resolve(c), 'manifest.json');
    if (!(await deps.files.exists(path))) continue;
    const buf = await deps.files.readFile(path);
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(buf.toString('utf8')) as BackupManifest;
    } catch {
      throw new BackupIntegrityError(`${path} is not valid JSON`);
    }
    if (manifest.format !== 'warden-backup/1' || !Array.isArray(manifest.archives))
      throw new BackupIntegrityError(`${path} is not a warden backup manifest`);
    if (manifest.complete === false)
      throw new BackupIntegrityError(
        `${dirname(path)} is an incomplete backup (${(manifest.missing ?? []).map((m) => `${m.destination}: ${m.reason}`).join('; ') || 'cancelled'}): refused, nothing written`,
      );
    const of = manifest.container as Partial<ContainerRef> | undefined;
    if (latest && target && of?.id !== target.id && of?.name !== target.name)
      throw new UserError(
        `the newest backup for ${target.name} in this session (${dirname(path)}) was taken from ${of?.name ?? '?'} (${(of?.id ?? '?').slice(0, 12)}): refusing, nothing written`,
        'pass the backup directory explicitly',
      );
    return {
      manifest,
      dir: dirname(path),
      path,
      sha256: createHash('sha256').update(buf).digest('hex'),
    };
  }
  throw new UserError(`no backup at ${ref}`, 'pass the backup directory (it holds manifest.json)');
}

/** Why a tar entry may not be restored, or undefined when it is fine. */
export function unsafeEntry(
  h: { name: string; type?: string | null; linkname?: string | null },
  top: string,
): string | undefined {
  const name = h.name.replace(/\/+$/, '');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `absolute path ${h.name}`;
  const parts = name.split('/');
  if (parts.includes('..')) return `path with .. (${h.name})`;
  const norm = posix.normalize(name);
  if (norm !== top && !norm.startsWith(`${top}/`)) return `entry outside ${top}/ (${h.name})`;
  if (h.type === 'character-device' || h.type === 'block-device') return `device file ${h.name}`;
  if (h.type === 'symlink' || h.type === 'link') {
    const link = h.linkname ?? '';
    if (link.startsWith('/')) return `link ${h.name} → absolute target ${link}`;
    const target =
      h.type === 'symlink'
        ? posix.normalize(posix.join(posix.dirname(norm), link))
        : posix.normalize(link);
    if (target !== top && !target.startsWith(`${top}/`))
      return `link ${h.name} → ${link} escapes ${top}/`;
  }
  return undefined;
}

/**
 * Where an archive is extracted, and the one top-level name its entries may use. Both come from
 * `destination` (a plain absolute path): the manifest is not authenticated, so its `extractTo` is
 * only checked against them, never used.
 */
export function placeOf(a: Pick<BackupArchive, 'destination' | 'extractTo'>): {
  extractTo: string;
  top: string;
} {
  const given = typeof a.destination === 'string' ? a.destination : '';
  const dest = given.replace(/\/+$/, '');
  if (!dest.startsWith('/') || dest.split('/').includes('..') || posix.normalize(dest) !== dest)
    throw new BackupIntegrityError(
      `manifest destination ${JSON.stringify(a.destination)} is not a plain absolute path: refused`,
    );
  const top = posix.basename(dest);
  const extractTo = posix.dirname(dest);
  if (a.extractTo !== undefined) {
    const said = typeof a.extractTo === 'string' ? posix.normalize(a.extractTo) : '';
    if ((said.length > 1 ? said.replace(/\/+$/, '') : said) !== extractTo)
      throw new BackupIntegrityError(
        `manifest extractTo ${JSON.stringify(a.extractTo)} disagrees with its destination ${dest} (extracted at ${extractTo}): refused`,
      );
  }
  return { extractTo, top };
}

/** Whether the archive file starts with the encrypted-backup header (false when unreadable). */
export async function encryptedOnDisk(
  deps: ActionDeps,
  dir: string,
  a: BackupArchive,
): Promise<boolean> {
  const path = join(dir, a.file);
  if (a.file.includes('/') || a.file.includes('..') || !(await deps.files.exists(path)))
    return false; // checkArchive refuses it
  let head = Buffer.alloc(0);
  for await (const chunk of deps.files.readStream(path)) {
    head = Buffer.concat([head, chunk]);
    if (head.length >= MAGIC_BYTES) break;
  }
  return hasEncryptedHeader(head);
}

export function plainTar(
  deps: ActionDeps,
  path: string,
  km: KeyMaterial | undefined,
  onBytes?: (b: Uint8Array) => void,
  signal?: AbortSignal,
) {
  const tee = (async function* () {
    // Opened on the first read: a write that fails before reading leaves no file open.
    for await (const chunk of deps.files.readStream(path)) {
      if (signal?.aborted) throw new CancelledError();
      onBytes?.(chunk);
      yield chunk;
    }
  })();
  return {
    source: Readable.from(tee),
    stages: [...(km ? [decryptTransform(km)] : []), createGunzip()],
  };
}

export async function checkArchive(
  deps: ActionDeps,
  dir: string,
  a: BackupArchive,
  km: KeyMaterial | undefined,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
) {
  const path = join(dir, a.file);
  if (a.file.includes('/') || a.file.includes('..'))
    throw new BackupIntegrityError(`manifest names a file outside the backup: ${a.file}`);
  if (!(await deps.files.exists(path))) throw new BackupIntegrityError(`${a.file} is missing`);
  const hash = createHash('sha256');
  let bytes = 0;
  const { top } = placeOf(a);
  const { source, stages } = plainTar(
    deps,
    path,
    km,
    (b) => {
      hash.update(b);
      bytes += b.length;
      opts.onBytes?.(b.length);
    },
    opts.signal,
  );
  const extract = tar.extract();
  let entries = 0;
  let unsafe: string | undefined;
  const walk = (async () => {
    for await (const entry of extract) {
      entries++;
      unsafe ??= unsafeEntry(entry.header, top);
      entry.resume();
    }
  })();
  let streamError: unknown;
  try {
    await Promise.all([
      pipeline([source, ...stages, extract] as unknown as [
        NodeJS.ReadableStream,
        NodeJS.WritableStream,
      ]),
      walk,
    ]);
  } catch (err) {
    streamError = err;
  }
  if (isCancellation(streamError, opts.signal)) throw new CancelledError();
  const sha256 = hash.digest('hex');
  if (sha256 !== a.sha256 || bytes !== a.bytes) {
    const full = await deps.files.hashFile(path);
    if (full?.sha256 !== a.sha256)
      throw new BackupIntegrityError(
        `${a.file}: SHA-256 ${full?.sha256.slice(0, 16) ?? '?'}… does not match the manifest (${a.sha256.slice(0, 16)}…)`,
      );
  }
  if (streamError) {
    if (streamError instanceof BackupIntegrityError) throw streamError;
    if (km) await checkTag(deps, path, km);
    throw new BackupIntegrityError(`${a.file} cannot be read: ${errorMessage(streamError)}`);
  }
  if (unsafe) throw new BackupIntegrityError(`${a.file}: refused, ${unsafe}`);
  return { sha256, entries };
}

/** Decrypt-only pass: a bad GCM tag explains a gunzip or tar error on unauthenticated bytes. */
async function checkTag(deps: ActionDeps, path: string, km: KeyMaterial): Promise<void> {
  await pipeline(
    Readable.from(deps.files.readStream(path)),
    decryptTransform(km),
    async (src: AsyncIterable<Buffer>) => {
      for await (const _ of src) void _;
    },
  );
}
