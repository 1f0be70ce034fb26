/**
 * restore <backup> --to <container>: every archive is checked first (SHA-256 against the manifest,
 * the GCM tag, and every tar entry: no absolute paths, no `..`, no links escaping the backed-up
 * directory, no devices). Only when all pass is anything written, through the archive endpoint.
 * The manifest is not authenticated: encryption is read from each archive's header, and the
 * extraction directory is derived from `destination`, never taken from the manifest.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, join, dirname, posix, resolve } from 'node:path';
import { Readable, pipeline as pipelineCb } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { DockerError, UserError, errorMessage } from '../errors.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import {
  BackupIntegrityError,
  MAGIC_BYTES,
  decryptTransform,
  hasEncryptedHeader,
  parseKeyFile,
  type KeyMaterial,
} from './backup-crypto.js';
import type { BackupArchive, BackupManifest } from './backup.js';
import {
  failed,
  flag,
  ok,
  optParam,
  param,
  plan,
  refOf,
  safeName,
  status,
  type ActionDeps,
  type ContainerRef,
} from './common.js';

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
    const last = stamps[stamps.length - 1];
    if (!last)
      throw new UserError(
        `no backup of ${target.name} in this session`,
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
async function encryptedOnDisk(deps: ActionDeps, dir: string, a: BackupArchive): Promise<boolean> {
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

function plainTar(
  deps: ActionDeps,
  path: string,
  km: KeyMaterial | undefined,
  onBytes?: (b: Uint8Array) => void,
) {
  const tee = (async function* () {
    // Opened on the first read: a write that fails before reading leaves no file open.
    for await (const chunk of deps.files.readStream(path)) {
      onBytes?.(chunk);
      yield chunk;
    }
  })();
  return {
    source: Readable.from(tee),
    stages: [...(km ? [decryptTransform(km)] : []), createGunzip()],
  };
}

async function checkArchive(
  deps: ActionDeps,
  dir: string,
  a: BackupArchive,
  km: KeyMaterial | undefined,
) {
  const path = join(dir, a.file);
  if (a.file.includes('/') || a.file.includes('..'))
    throw new BackupIntegrityError(`manifest names a file outside the backup: ${a.file}`);
  if (!(await deps.files.exists(path))) throw new BackupIntegrityError(`${a.file} is missing`);
  const hash = createHash('sha256');
  let bytes = 0;
  const { top } = placeOf(a);
  const { source, stages } = plainTar(deps, path, km, (b) => {
    hash.update(b);
    bytes += b.length;
  });
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

export async function restoreDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await docker.inspectDetailed(param(ctx, 'container'));
  const { manifest, dir } = await loadBackupManifest(
    deps,
    param(ctx, 'backup'),
    deps.sessionDir(ctx.sessionId),
    refOf(c),
  );
  const archives = pick(manifest, optParam(ctx, 'volume'));
  const id = c.Id.slice(0, 12);
  const stop = flag(ctx, 'stop');
  return plan(
    'restore',
    refOf(c),
    [
      ...(stop ? [`POST /containers/${id}/stop`] : []),
      ...archives.map(
        (a) =>
          `PUT /containers/${id}/archive?path=${placeOf(a).extractTo} (${a.file}, ${a.tarBytes} bytes of tar)`,
      ),
      stop ? `POST /containers/${id}/start` : `POST /containers/${id}/restart`,
    ],
    `${refOf(c).name}: ${archives.map((a) => a.destination).join(', ')} overwritten with the backup from ${manifest.createdAt}; the container restarts`,
    { backup: dir, backupCreatedAt: manifest.createdAt, encrypted: manifest.encrypted },
  );
}

function pick(manifest: BackupManifest, volume: string | undefined): BackupArchive[] {
  if (!volume) return manifest.archives;
  const a = manifest.archives.filter((x) => x.source.name === volume || x.destination === volume);
  if (a.length === 0) throw new UserError(`the backup holds no volume or mount "${volume}"`);
  return a;
}

export async function restore(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await docker.inspectDetailed(param(ctx, 'container'));
  const ref = refOf(c);
  const loaded = await loadBackupManifest(
    deps,
    param(ctx, 'backup'),
    deps.sessionDir(ctx.sessionId),
    ref,
  );
  const { manifest, dir } = loaded;
  const archives = pick(manifest, optParam(ctx, 'volume'));
  const keyFile = optParam(ctx, 'keyFile');
  // The manifest is not authenticated: whether an archive is encrypted is read from its header.
  const sealed = await Promise.all(archives.map((a) => encryptedOnDisk(deps, dir, a)));
  const encrypted = sealed.some(Boolean);
  const disagree = archives.filter((_, i) => sealed[i] !== Boolean(manifest.encrypted));
  if (encrypted && !keyFile && disagree.length === 0)
    throw new UserError('this backup is encrypted: pass --key-file FILE');
  const km = encrypted && keyFile ? parseKeyFile(await deps.files.readFile(keyFile)) : undefined;
  const base = {
    action: 'restore',
    container: ref,
    backup: dir,
    manifestSha256: loaded.sha256,
    backupCreatedAt: manifest.createdAt,
    backupOf: manifest.container,
    encrypted,
  };
  const warnings: string[] = [];
  const incidentStart = optParam(ctx, 'incidentStart');
  if (incidentStart && Date.parse(manifest.createdAt) > Date.parse(incidentStart))
    warnings.push(
      `the backup (${manifest.createdAt}) is newer than the incident's start (${incidentStart}): it may hold the attacker's changes`,
    );
  if (manifest.container.id !== ref.id)
    warnings.push(
      `the backup was taken from ${manifest.container.name} (${manifest.container.id.slice(0, 12)}), restoring into ${ref.name}`,
    );
  // An unencrypted backup's manifest could be rewritten together with its archives; the journal
  // of the session that took it cannot (its chain would break). Cross-check when we can.
  const journaled = deps.backupRecord ? await deps.backupRecord(loaded.path) : undefined;
  const refuse = (why: string) =>
    failed(`restore refused, nothing written: ${why}`, {
      ...base,
      refused: why,
      verified: [],
      written: [],
      warnings,
    });
  if (disagree.length)
    return refuse(
      `manifest.json says the backup is ${manifest.encrypted ? '' : 'not '}encrypted but ${disagree.map((a) => a.file).join(', ')} ${disagree.length > 1 ? 'are' : 'is'}${manifest.encrypted ? ' not' : ''}: the manifest or the archives were altered`,
    );
  if (keyFile && !encrypted)
    return refuse('the backup says it is not encrypted but a key was given: refusing');
  if (journaled) {
    if (!journaled.chainOk)
      return refuse(
        `the journal of session ${journaled.sessionId} that took this backup fails verification`,
      );
    if (journaled.manifestSha256 === undefined)
      return refuse(`session ${journaled.sessionId} has no record of this backup in its journal`);
    if (journaled.manifestSha256 !== loaded.sha256)
      return refuse(
        `manifest.json does not match the SHA-256 journaled by session ${journaled.sessionId} (seq ${journaled.seq}): the backup was altered`,
      );
    ctx.onOutput(
      `manifest matches session ${journaled.sessionId}'s journal (seq ${journaled.seq})`,
    );
  } else {
    warnings.push(
      'the backup is not in a session of this WARDEN_HOME: its manifest was not cross-checked against a journal',
    );
  }
  for (const w of warnings) ctx.onOutput(`warning: ${w}`);

  // 1. Verify everything before writing anything.
  const verified: { file: string; sha256: string; entries: number; destination: string }[] = [];
  for (const a of archives) {
    ctx.onOutput(`verifying ${a.file}`);
    try {
      const v = await checkArchive(deps, dir, a, km);
      verified.push({
        file: a.file,
        sha256: v.sha256,
        entries: v.entries,
        destination: a.destination,
      });
    } catch (err) {
      if (err instanceof BackupIntegrityError)
        return failed(`restore refused, nothing written: ${err.message}`, {
          ...base,
          refused: err.message,
          verified,
          written: [],
          warnings,
        });
      throw err;
    }
  }

  // 2. Write.
  const wasRunning = c.State?.Running === true;
  const stop = flag(ctx, 'stop') && wasRunning;
  const t = optParam(ctx, 'timeout');
  const timeout = t && /^\d+$/.test(t) ? Number(t) : undefined;
  if (stop) {
    ctx.onOutput(`stopping ${ref.name}`);
    await docker.stopContainer(ref.id, timeout);
  }
  const written: string[] = [];
  let failure: { destination: string; error: unknown } | undefined;
  let restarted: boolean | undefined;
  let startError: unknown;
  try {
    for (const a of archives) {
      ctx.onOutput(`writing ${a.destination}`);
      const { source, stages } = plainTar(deps, join(dir, a.file), km);
      const plain = (async function* () {
        // The last stream of the chain; an error anywhere destroys it, which ends this loop.
        const out = pipelineCb(
          [source, ...stages],
          () => undefined,
        ) as unknown as AsyncIterable<Buffer>;
        for await (const chunk of out) yield chunk;
      })();
      try {
        await docker.putArchive(ref.id, placeOf(a).extractTo, plain);
      } catch (err) {
        failure = { destination: a.destination, error: err };
        break;
      }
      written.push(a.destination);
    }
  } finally {
    // Stopped by us: started again whatever happened while writing.
    if (stop) {
      ctx.onOutput(`starting ${ref.name}`);
      try {
        await docker.startContainer(ref.id);
        restarted = true;
      } catch (err) {
        restarted = false;
        startError = err;
      }
    }
  }
  if (!stop && !failure && wasRunning && ctx.params.restart !== 'false')
    await docker.restartContainer(ref.id, timeout);
  let after = 'unknown';
  try {
    after = status(await docker.inspectDetailed(ref.id));
  } catch {
    // Reported as unknown: the outcome below must still say what was written.
  }
  const restartNote = !stop
    ? `${ref.name} is ${after}`
    : restarted
      ? `${ref.name} was stopped for the restore and started again (${after})`
      : `${ref.name} was stopped for the restore and could NOT be started again (${errorMessage(startError)}): it is ${after}; start it with: warden start ${ref.name}`;
  const outcome = {
    ...base,
    verified,
    written,
    warnings,
    stopped: stop,
    ...(stop ? { restarted } : {}),
    ...(startError ? { startError: errorMessage(startError) } : {}),
    after: { status: after },
  };
  if (failure) {
    const notWritten = archives.map((a) => a.destination).slice(written.length);
    return failed(
      `restore of ${ref.name} FAILED part-way: wrote ${written.join(', ') || 'nothing'}; writing ${failure.destination} failed (${errorMessage(failure.error)}) and it may be partly written; not written: ${notWritten.join(', ')}; ${restartNote}`,
      {
        ...outcome,
        failedAt: failure.destination,
        notWritten,
        error: errorMessage(failure.error),
        ...(failure.error instanceof DockerError ? { errorKind: failure.error.kind } : {}),
      },
    );
  }
  if (stop && !restarted)
    return failed(
      `restored ${written.join(', ')} of ${ref.name} from the backup of ${manifest.createdAt}, but ${restartNote}`,
      outcome,
    );
  return ok(
    `restored ${written.join(', ')} of ${ref.name} from the backup of ${manifest.createdAt} (verified: SHA-256${km ? ', GCM tag' : ''}, ${verified.reduce((n, v) => n + v.entries, 0)} tar entries); ${ref.name} is ${after}${warnings.length ? `; WARNING: ${warnings[0]}` : ''}`,
    outcome,
  );
}
