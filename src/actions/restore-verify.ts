/**
 * Reading and checking a backup before anything is written: the manifest (found by path or as
 * this container's newest backup in the session, read once, a regular file), each archive copied
 * once into a private file and checked there: its SHA-256 and size against the manifest, its
 * encryption as the file header says (never the manifest) with Warden's own KDF parameters only,
 * the GCM tag, and every tar entry read as the engine reads it and checked against the tree the
 * archive builds in the directory it restores into (derived from `destination`, never the
 * manifest's `extractTo`), and the tar's size and entry count against the manifest.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, join, dirname, posix, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CancelledError, UserError, errorMessage } from '../errors.js';
import { isCancellation } from '../engine/cancel.js';
import {
  BackupIntegrityError,
  HEADER_BYTES,
  decryptTransform,
  hasEncryptedHeader,
  headerProblem,
  type KeyMaterial,
} from './backup-crypto.js';
import type { BackupArchive, BackupManifest } from './backup.js';
import { NotRegularFileError, type StagedArchive } from './backup-sources.js';
import { safeName, type ActionDeps, type ContainerRef } from './common.js';
import { TarHeaderError, TarHeaderReader } from './tar-headers.js';
import { ArchiveTree } from './tar-tree.js';

/** A manifest larger than this is not one Warden wrote. */
const MAX_MANIFEST_BYTES = 16 << 20;

export interface LoadedManifest {
  manifest: BackupManifest;
  /** The backup directory as given (resolved, symlinks kept). */
  dir: string;
  path: string;
  /** The manifest's real path and directory (symlinks resolved): what the journal is asked. */
  realPath: string;
  realDir: string;
  sha256: string;
}

async function readManifest(deps: ActionDeps, path: string) {
  try {
    return await deps.sources.readRegular(path, MAX_MANIFEST_BYTES);
  } catch (err) {
    if (err instanceof NotRegularFileError) throw new BackupIntegrityError(err.message);
    throw err;
  }
}

export async function loadBackupManifest(
  deps: ActionDeps,
  ref: string,
  sessionDir?: string,
  target?: ContainerRef,
  /** `latest`: also look in every other session of this WARDEN_HOME (newest first). */
  opts: { anySession?: boolean } = {},
): Promise<LoadedManifest> {
  const latest = ref === 'latest' && sessionDir !== undefined;
  if (latest) {
    if (!target) throw new UserError('backup "latest" needs the container it was taken from');
    const own = await newestBackup(deps, join(sessionDir, 'backups'), target);
    const other =
      own === undefined && opts.anySession
        ? await newestBackupAnywhere(deps, dirname(sessionDir), target)
        : undefined;
    const found = own ?? other;
    if (!found)
      throw new UserError(
        `no complete backup of ${target.name} in ${opts.anySession ? 'any session of this WARDEN_HOME' : 'this session'}`,
        'run the backup step first, or restore from a backup directory with warden restore',
      );
    ref = found.dir;
  }
  const candidates = [ref, ...(sessionDir && !isAbsolute(ref) ? [join(sessionDir, ref)] : [])];
  for (const c of candidates) {
    const path = c.endsWith('.json') ? resolve(c) : join(resolve(c), 'manifest.json');
    if (!(await deps.files.exists(path))) continue;
    const { realPath, data: buf } = await readManifest(deps, path);
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(buf.toString('utf8')) as BackupManifest;
    } catch {
      throw new BackupIntegrityError(`${path} is not valid JSON`);
    }
    if (
      typeof manifest !== 'object' ||
      manifest === null ||
      manifest.format !== 'warden-backup/1' ||
      !Array.isArray(manifest.archives)
    )
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
      realPath,
      realDir: dirname(realPath),
      sha256: createHash('sha256').update(buf).digest('hex'),
    };
  }
  throw new UserError(`no backup at ${ref}`, 'pass the backup directory (it holds manifest.json)');
}

/**
 * The newest complete backup of `target` in one `backups/` directory: backup.ts names each
 * `<safeName(name)>-<stampOf(time)>`, so `web` must not match `web-db-…`.
 */
async function newestBackup(
  deps: ActionDeps,
  backupsDir: string,
  target: ContainerRef,
): Promise<{ dir: string; stamp: string } | undefined> {
  const name = safeName(target.name.replace(/^\//, ''));
  const own = new RegExp(`^${name.replace(/[.]/g, '\\.')}-(\\d{8}T[0-9.]+Z)$`);
  const stamps = (await deps.files.list(backupsDir))
    .map((d) => own.exec(d)?.[1])
    .filter((t): t is string => t !== undefined)
    .sort();
  // The newest complete one: a cancelled backup is kept but never restored.
  for (const t of stamps.reverse()) {
    const dir = join(backupsDir, `${name}-${t}`);
    const m = join(dir, 'manifest.json');
    if (!(await deps.files.exists(m))) continue;
    try {
      const { data } = await deps.sources.readRegular(m, MAX_MANIFEST_BYTES);
      if ((JSON.parse(data.toString('utf8')) as BackupManifest).complete === false) continue;
    } catch {
      // Unreadable: picked, and refused with the reason when it is loaded.
    }
    return { dir, stamp: t };
  }
  return undefined;
}

/** The newest complete backup of `target` across every session under `sessionsDir`. */
async function newestBackupAnywhere(
  deps: ActionDeps,
  sessionsDir: string,
  target: ContainerRef,
): Promise<{ dir: string; stamp: string } | undefined> {
  let best: { dir: string; stamp: string } | undefined;
  for (const session of await deps.files.list(sessionsDir)) {
    const hit = await newestBackup(deps, join(sessionsDir, session, 'backups'), target);
    if (hit && (!best || hit.stamp > best.stamp)) best = hit;
  }
  return best;
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

async function headOf(staged: StagedArchive): Promise<Buffer> {
  let head = Buffer.alloc(0);
  for await (const chunk of staged.read()) {
    head = Buffer.concat([head, chunk]);
    if (head.length >= HEADER_BYTES) break;
  }
  return head.subarray(0, HEADER_BYTES);
}

/**
 * Whether the staged archive is encrypted (its header, never the manifest), and why its header
 * is refused: checked before any key is derived.
 */
export async function sealOf(
  staged: StagedArchive,
): Promise<{ encrypted: boolean; problem?: string }> {
  const head = await headOf(staged);
  if (!hasEncryptedHeader(head)) return { encrypted: false };
  const problem = headerProblem(head);
  return problem ? { encrypted: true, problem } : { encrypted: true };
}

/** zlib's output pieces: 256 KiB instead of 16, sixteen times fewer chunks to pass on. */
const GUNZIP_CHUNK = 256 << 10;

/** The plain tar of a staged archive: its bytes, decrypted when a key is given, gunzipped. */
export function plainTar(
  staged: Pick<StagedArchive, 'read'>,
  km: KeyMaterial | undefined,
  signal?: AbortSignal,
  /** False for a backup taken with `compression: none` (a lie there only fails the check). */
  gzipped = true,
) {
  const source = Readable.from(
    (async function* () {
      for await (const chunk of staged.read()) {
        if (signal?.aborted) throw new CancelledError();
        yield chunk;
      }
    })(),
  );
  return {
    source,
    stages: [
      ...(km ? [decryptTransform(km)] : []),
      ...(gzipped ? [createGunzip({ chunkSize: GUNZIP_CHUNK })] : []),
    ],
  };
}

/**
 * Decrypts (the GCM tag) and reads every tar header of the staged copy as the engine will, checks
 * each entry against the tree the archive builds, and the tar's size and entry count against the
 * manifest. Throws BackupIntegrityError with the first reason to refuse.
 */
export async function checkArchive(
  staged: Pick<StagedArchive, 'read' | 'sha256'>,
  a: BackupArchive,
  km: KeyMaterial | undefined,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void; gzipped?: boolean } = {},
): Promise<{ sha256: string; entries: number; tarBytes: number }> {
  const { top } = placeOf(a);
  const tree = new ArchiveTree(top, a.source?.type === 'bind');
  let unsafe: string | undefined;
  const reader = new TarHeaderReader((e) => {
    unsafe = tree.add(e);
    // Stop at the first: nothing after it matters, and the message names it.
    if (unsafe) throw new BackupIntegrityError(`${a.file}: refused, ${unsafe}`);
  });
  const { source, stages } = plainTar(staged, km, opts.signal, opts.gzipped ?? true);
  // The reader's own refusal, kept: the pipeline may report the streams it tore down instead.
  let refusal: unknown;
  const sink = async (src: AsyncIterable<Buffer>) => {
    try {
      for await (const chunk of src) {
        opts.onBytes?.(chunk.length);
        reader.write(chunk);
      }
      reader.end();
    } catch (err) {
      if (err instanceof BackupIntegrityError || err instanceof TarHeaderError) refusal = err;
      throw err;
    }
  };
  try {
    await pipeline([source, ...stages, sink] as unknown as [
      NodeJS.ReadableStream,
      NodeJS.WritableStream,
    ]);
  } catch (thrown) {
    const err = refusal ?? thrown;
    if (opts.signal?.aborted || (!refusal && isCancellation(err)) || err instanceof CancelledError)
      throw new CancelledError();
    // Unauthenticated bytes explain nothing: with a key, a bad tag is the reason to give.
    if (km && !(await tagOk(staged, km)))
      throw new BackupIntegrityError(
        'GCM authentication failed: the backup was tampered with, truncated, or the key is wrong',
      );
    if (err instanceof BackupIntegrityError) throw err;
    if (err instanceof TarHeaderError)
      throw new BackupIntegrityError(`${a.file}: refused, ${err.message}`);
    throw new BackupIntegrityError(`${a.file} cannot be read: ${errorMessage(err)}`);
  }
  if (typeof a.tarBytes === 'number' && reader.bytes !== a.tarBytes)
    throw new BackupIntegrityError(
      `${a.file}: ${reader.bytes} bytes of tar, the manifest says ${a.tarBytes}`,
    );
  if (typeof a.entries === 'number' && tree.entries !== a.entries)
    throw new BackupIntegrityError(
      `${a.file}: ${tree.entries} tar entries, the manifest says ${a.entries}`,
    );
  return { sha256: staged.sha256, entries: tree.entries, tarBytes: reader.bytes };
}

/** Decrypt-only pass: whether the GCM tag holds. */
async function tagOk(staged: Pick<StagedArchive, 'read'>, km: KeyMaterial): Promise<boolean> {
  try {
    await pipeline(
      Readable.from(staged.read()),
      decryptTransform(km),
      async (src: AsyncIterable<Buffer>) => {
        for await (const _ of src) void _;
      },
    );
    return true;
  } catch {
    return false;
  }
}
