/**
 * restore <backup> --to <container>: every archive is checked first (SHA-256 against the manifest,
 * the GCM tag, and every tar entry: no absolute paths, no `..`, no links escaping the backed-up
 * directory, no devices). Only when all pass is anything written, through the archive endpoint.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, join, dirname, posix, resolve } from 'node:path';
import { Readable, pipeline as pipelineCb } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { UserError, errorMessage } from '../errors.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import {
  BackupIntegrityError,
  decryptTransform,
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
} from './common.js';

export async function loadBackupManifest(
  deps: ActionDeps,
  ref: string,
  sessionDir?: string,
  container?: string,
): Promise<{ manifest: BackupManifest; dir: string; path: string; sha256: string }> {
  if (ref === 'latest' && sessionDir) {
    // The newest backup of this container taken in this session.
    const prefix = container ? `${safeName(container.replace(/^\//, ''))}-` : '';
    const dirs = (await deps.files.list(join(sessionDir, 'backups'))).filter((d) =>
      d.startsWith(prefix),
    );
    const last = dirs[dirs.length - 1];
    if (!last)
      throw new UserError(
        `no backup of ${container ?? 'the target'} in this session`,
        'run the backup step first, or restore from a backup directory with warden restore',
      );
    ref = join(sessionDir, 'backups', last);
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

function plainTar(
  deps: ActionDeps,
  path: string,
  km: KeyMaterial | undefined,
  onBytes?: (b: Uint8Array) => void,
) {
  const src = deps.files.readStream(path);
  const tee = (async function* () {
    for await (const chunk of src) {
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
  const top = posix.basename(a.destination.replace(/\/+$/, ''));
  if (!top)
    throw new BackupIntegrityError(`manifest destination ${a.destination} cannot be restored`);
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
    param(ctx, 'container'),
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
          `PUT /containers/${id}/archive?path=${a.extractTo} (${a.file}, ${a.tarBytes} bytes of tar)`,
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
    param(ctx, 'container'),
  );
  const { manifest, dir } = loaded;
  const archives = pick(manifest, optParam(ctx, 'volume'));
  const keyFile = optParam(ctx, 'keyFile');
  if (manifest.encrypted && !keyFile)
    throw new UserError('this backup is encrypted: pass --key-file FILE');
  const km =
    manifest.encrypted && keyFile ? parseKeyFile(await deps.files.readFile(keyFile)) : undefined;
  const base = {
    action: 'restore',
    container: ref,
    backup: dir,
    manifestSha256: loaded.sha256,
    backupCreatedAt: manifest.createdAt,
    backupOf: manifest.container,
    encrypted: manifest.encrypted,
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
    await docker.putArchive(ref.id, a.extractTo, plain);
    written.push(a.destination);
  }
  if (stop) await docker.startContainer(ref.id);
  else if (wasRunning && ctx.params.restart !== 'false')
    await docker.restartContainer(ref.id, timeout);
  const after = status(await docker.inspectDetailed(ref.id));
  return ok(
    `restored ${written.join(', ')} of ${ref.name} from the backup of ${manifest.createdAt} (verified: SHA-256${km ? ', GCM tag' : ''}, ${verified.reduce((n, v) => n + v.entries, 0)} tar entries); ${ref.name} is ${after}${warnings.length ? `; WARNING: ${warnings[0]}` : ''}`,
    { ...base, verified, written, warnings, stopped: stop, after: { status: after } },
  );
}
