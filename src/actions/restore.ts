/**
 * restore <backup> --to <container>: every archive is checked first (SHA-256 against the manifest,
 * the GCM tag, and every tar entry: no absolute paths, no `..`, no links escaping the backed-up
 * directory, no devices). Only when all pass is anything written, through the archive endpoint.
 * The manifest is not authenticated: encryption is read from each archive's header, and the
 * extraction directory is derived from `destination`, never taken from the manifest.
 */
import { pipeline as pipelineCb } from 'node:stream';
import { CancelledError, DockerError, UserError, errorMessage } from '../errors.js';
import { CANCELLED, isCancellation, untilCancelled } from '../engine/cancel.js';
import { coalesce } from '../engine/coalesce.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import { BackupIntegrityError, parseKeyFile, type KeyMaterial } from './backup-crypto.js';
import { isCompressed, type BackupArchive, type BackupManifest } from './backup.js';
import {
  failed,
  flag,
  inspectTarget,
  ok,
  optParam,
  param,
  plan,
  refOf,
  status,
  type ActionDeps,
  type ContainerRef,
} from './common.js';
import { ByteMeter, formatBytes } from './progress.js';
import { NotRegularFileError, type StagedArchive } from './backup-sources.js';
import {
  checkArchive,
  loadBackupManifest,
  placeOf,
  plainTar,
  sealOf,
  type LoadedManifest,
} from './restore-verify.js';
import { stageArchive, type ArchiveCheck } from './restore-stage.js';

/** Whose backups "latest" means: the original's, when restoring into its replacement. */
function backupOwner(ctx: StepContext, target: ContainerRef): ContainerRef {
  const id = optParam(ctx, 'replaces');
  return id ? { id, name: optParam(ctx, 'replacesName') ?? target.name } : target;
}

export async function restoreDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const { manifest, dir } = await loadBackupManifest(
    deps,
    param(ctx, 'backup'),
    deps.sessionDir(ctx.sessionId),
    backupOwner(ctx, refOf(c)),
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
    `${refOf(c).name}: ${archives.map((a) => `${a.destination} (${formatBytes(a.tarBytes)} of files${a.source.name ? ` on volume ${a.source.name}` : a.source.hostPath ? ` in ${a.source.hostPath}` : ''})`).join(', ')} overwritten with the backup from ${manifest.createdAt} (files added since are kept); the container ${stop ? 'is stopped while writing and started again' : 'restarts'}`,
    {
      backup: dir,
      backupCreatedAt: manifest.createdAt,
      encrypted: manifest.encrypted,
      overwrites: archives.map((a) => ({
        destination: a.destination,
        tarBytes: a.tarBytes,
        ...(a.source.name ? { volume: a.source.name } : {}),
      })),
    },
  );
}

/** The key of an encrypted backup, from a regular file of at most 64 KiB. */
async function readKeyMaterial(deps: ActionDeps, keyFile: string): Promise<KeyMaterial> {
  let key;
  try {
    key = await deps.sources.readRegular(keyFile, 1 << 16);
  } catch (err) {
    if (err instanceof NotRegularFileError)
      throw new UserError(`key file: ${err.message}`, 'pass the file that holds the key');
    throw err;
  }
  return parseKeyFile(key.data);
}

export function pick(manifest: BackupManifest, volume: string | undefined): BackupArchive[] {
  if (!volume) return manifest.archives;
  const a = manifest.archives.filter((x) => x.source.name === volume || x.destination === volume);
  if (a.length === 0) throw new UserError(`the backup holds no volume or mount "${volume}"`);
  return a;
}

export async function restore(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const owner = backupOwner(ctx, ref);
  const loaded = await loadBackupManifest(
    deps,
    param(ctx, 'backup'),
    deps.sessionDir(ctx.sessionId),
    owner,
  );
  const archives = pick(loaded.manifest, optParam(ctx, 'volume'));
  const staged: StagedArchive[] = [];
  try {
    return await verifyThenWrite(deps, ctx, c, loaded, archives, staged);
  } finally {
    // The private copies: closed and removed whatever happened.
    await Promise.all(staged.map((s) => s.dispose()));
  }
}

export async function verifyThenWrite(
  deps: ActionDeps,
  ctx: StepContext,
  c: Awaited<ReturnType<typeof inspectTarget>>,
  loaded: LoadedManifest,
  archives: BackupArchive[],
  staged: StagedArchive[],
  /** Given the key derived for the backup (a restore test reads the copies again with it). */
  key: { km?: KeyMaterial } = {},
): Promise<ActionOutcome> {
  const docker = deps.docker();
  const ref = refOf(c);
  const owner = backupOwner(ctx, ref);
  const { manifest, dir } = loaded;
  const keyFile = optParam(ctx, 'keyFile');
  const base: Record<string, unknown> = {
    action: 'restore',
    container: ref,
    backup: dir,
    ...(loaded.realDir !== dir ? { backupRealPath: loaded.realDir } : {}),
    manifestSha256: loaded.sha256,
    backupCreatedAt: manifest.createdAt,
    backupOf: manifest.container,
    encrypted: false,
  };
  const warnings: string[] = [];
  const verified: {
    file: string;
    sha256: string;
    entries: number;
    tarBytes: number;
    destination: string;
  }[] = [];
  const refuse = (why: string) =>
    failed(`restore refused, nothing written: ${why}`, {
      ...base,
      refused: why,
      verified,
      written: [],
      warnings,
    });
  const cancelledBeforeWriting = () => ({
    ok: false,
    cancelled: true,
    summary: `${CANCELLED} while verifying the backup: nothing written to ${ref.name}`,
    data: { ...base, verified, written: [], warnings },
  });
  const incidentStart = optParam(ctx, 'incidentStart');
  if (incidentStart && Date.parse(manifest.createdAt) > Date.parse(incidentStart))
    warnings.push(
      `the backup (${manifest.createdAt}) is newer than the incident's start (${incidentStart}): it may hold the attacker's changes`,
    );
  if (manifest.container.id !== ref.id && manifest.container.id !== owner.id)
    warnings.push(
      `the backup was taken from ${manifest.container.name} (${manifest.container.id.slice(0, 12)}), restoring into ${ref.name}`,
    );
  else if (manifest.container.id !== ref.id)
    ctx.onOutput(
      ctx.params.scratch === 'true'
        ? `restoring the backup of ${manifest.container.name} (${manifest.container.id.slice(0, 12)}) into the scratch container ${ref.name}`
        : `restoring the backup of ${manifest.container.name} (${manifest.container.id.slice(0, 12)}) into its recorded replacement ${ref.name}`,
    );

  // 1. The manifest against the journal of the session that took it, found by the manifest's
  // real path (a symlink to a session's backup is still that session's backup). An unencrypted
  // backup's manifest could be rewritten together with its archives; that journal cannot (its
  // chain would break).
  const journaled = deps.backupRecord ? await deps.backupRecord(loaded.realPath) : undefined;
  if (!journaled && deps.backupRecord && loaded.realPath !== loaded.path) {
    const lexical = await deps.backupRecord(loaded.path);
    if (lexical)
      return refuse(
        `${loaded.path} lies in session ${lexical.sessionId} but resolves to ${loaded.realPath}, outside it: a session's backup must not be a link`,
      );
  }
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

  // 2. Each archive read once, into a private copy; its size and SHA-256 against the manifest
  // before anything else (no key is derived for a file that is not the one recorded).
  const stagingDir = deps.sessionDir(ctx.sessionId);
  /**
   * One metered pass over every archive (read, then verify): a cancel or an integrity problem
   * ends the restore before anything is written.
   */
  const eachArchive = async (
    doing: string,
    label: string,
    run: (
      a: BackupArchive,
      i: number,
      io: { signal: AbortSignal; onBytes: (n: number) => void },
    ) => Promise<void>,
    only: BackupArchive[] = archives,
  ): Promise<{ done: true } | { end: ActionOutcome }> => {
    for (const [i, a] of archives.entries()) {
      if (!only.includes(a)) continue;
      if (ctx.signal.aborted) return { end: cancelledBeforeWriting() };
      ctx.onOutput(`${doing} ${a.file}`);
      const meter = new ByteMeter(ctx, `${label} ${a.file}`);
      try {
        await run(a, i, { signal: ctx.signal, onBytes: (n) => meter.add(n) });
      } catch (err) {
        if (isCancellation(err, ctx.signal) || err instanceof CancelledError)
          return { end: cancelledBeforeWriting() };
        if (err instanceof BackupIntegrityError) return { end: refuse(err.message) };
        throw err;
      } finally {
        meter.flush();
      }
    }
    return { done: true };
  };
  // Pushed as each copy is made: the caller disposes of every copy, also after a cancel. An
  // archive without an encryption header is checked on the way (step 4 for it, in the same read).
  const checkedEarly: (ArchiveCheck | undefined)[] = [];
  const gzipped = isCompressed(manifest);
  const read = await eachArchive('reading', 'read', async (a, _i, io) => {
    // With a key given the operator expects an encrypted backup: a plain archive is refused for
    // that below, not checked on the way.
    const s = await stageArchive(deps, loaded, a, stagingDir, {
      ...io,
      ...(keyFile ? {} : { check: { gzipped } }),
    });
    staged.push(s.staged);
    checkedEarly.push(s.checked);
  });
  if ('end' in read) return read.end;

  // 3. Encryption as each copy's header says (the manifest is not authenticated), with Warden's
  // own KDF parameters only.
  const seals = await Promise.all(staged.map((s) => sealOf(s)));
  const encrypted = seals.some((x) => x.encrypted);
  base.encrypted = encrypted;
  const disagree = archives.filter((_, i) => seals[i]?.encrypted !== Boolean(manifest.encrypted));
  if (disagree.length)
    return refuse(
      `manifest.json says the backup is ${manifest.encrypted ? '' : 'not '}encrypted but ${disagree.map((a) => a.file).join(', ')} ${disagree.length > 1 ? 'are' : 'is'}${manifest.encrypted ? ' not' : ''}: the manifest or the archives were altered`,
    );
  const badHeader = seals.findIndex((x) => x.problem);
  if (badHeader >= 0)
    return refuse(`${archives[badHeader]?.file}: ${seals[badHeader]?.problem ?? ''}`);
  if (encrypted && !keyFile) throw new UserError('this backup is encrypted: pass --key-file FILE');
  if (keyFile && !encrypted)
    return refuse('the backup says it is not encrypted but a key was given: refusing');
  const km = encrypted && keyFile ? await readKeyMaterial(deps, keyFile) : undefined;
  key.km = km;

  // 4. Every copy decrypted and its tar read as the engine will read it, before writing anything
  // (an unencrypted one was, while it was copied).
  // (None was checked early when a key is given, so none of these skips a decryption.)
  for (const [i, a] of archives.entries()) {
    const early = checkedEarly[i];
    if (early) verified.push({ file: a.file, ...early, destination: a.destination });
  }
  const rest = archives.filter((_, i) => !checkedEarly[i]);
  const checked = await eachArchive(
    'verifying',
    'verify',
    async (a, i, io) => {
      const copy = staged[i];
      if (!copy) throw new Error(`no private copy of ${a.file}`);
      const v = await checkArchive(copy, a, km, { ...io, gzipped });
      verified.push({ file: a.file, ...v, destination: a.destination });
    },
    rest,
  );
  if ('end' in checked) return checked.end;
  return write(ctx, docker, c, archives, staged, km, { base, verified, warnings, manifest });
}

/** Writes the verified copies (never the backup directory's files) through the archive endpoint. */
async function write(
  ctx: StepContext,
  docker: ReturnType<ActionDeps['docker']>,
  c: Awaited<ReturnType<typeof inspectTarget>>,
  archives: BackupArchive[],
  staged: StagedArchive[],
  km: KeyMaterial | undefined,
  r: {
    base: Record<string, unknown>;
    verified: { entries: number }[];
    warnings: string[];
    manifest: BackupManifest;
  },
): Promise<ActionOutcome> {
  const ref = refOf(c);
  const { base, verified, warnings, manifest } = r;
  const cancelledBeforeWriting = () => ({
    ok: false,
    cancelled: true,
    summary: `${CANCELLED} while verifying the backup: nothing written to ${ref.name}`,
    data: { ...base, verified, written: [], warnings },
  });
  // 2. Write.
  if (ctx.signal.aborted) return cancelledBeforeWriting();
  const wasRunning = c.State?.Running === true;
  const stop = flag(ctx, 'stop') && wasRunning;
  const t = optParam(ctx, 'timeout');
  const timeout = t && /^\d+$/.test(t) ? Number(t) : undefined;
  if (stop) {
    ctx.onOutput(`stopping ${ref.name}`);
    await docker.stopContainer(ref.id, timeout);
  }
  const written: string[] = [];
  let failure: { destination: string; error: unknown; cancelled: boolean } | undefined;
  let restarted: boolean | undefined;
  let startError: unknown;
  try {
    for (const [i, a] of archives.entries()) {
      const copy = staged[i];
      if (ctx.signal.aborted || !copy) {
        failure = { destination: a.destination, error: new Error(CANCELLED), cancelled: true };
        break;
      }
      ctx.onOutput(`writing ${a.destination}`);
      const meter = new ByteMeter(ctx, `write ${a.destination}`);
      const { source, stages } = plainTar(copy, km, ctx.signal, isCompressed(r.manifest));
      const plain = (async function* () {
        // The last stream of the chain; an error anywhere destroys it, which ends this loop.
        // (A plain, unencrypted tar has no stage: the staged copy is read as it is.)
        const out = (stages.length
          ? pipelineCb([source, ...stages], () => undefined)
          : source) as unknown as AsyncIterable<Buffer>;
        // 1 MiB blocks to the engine: one socket write each, not one per 16 KiB piece.
        for await (const chunk of coalesce(untilCancelled(out, ctx.signal))) {
          meter.add(chunk.length);
          yield chunk;
        }
      })();
      try {
        await docker.putArchive(ref.id, placeOf(a).extractTo, plain, ctx.signal);
      } catch (err) {
        failure = {
          destination: a.destination,
          error: err,
          cancelled: isCancellation(err, ctx.signal),
        };
        break;
      } finally {
        meter.flush();
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
  if (!stop && !failure && wasRunning && ctx.params.restart !== 'false' && !ctx.signal.aborted)
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
  if (failure?.cancelled) {
    const notWritten = archives.map((a) => a.destination).slice(written.length);
    return {
      ok: false,
      cancelled: true,
      summary: `${CANCELLED} while writing ${failure.destination} (it may be partly written); wrote ${written.join(', ') || 'nothing else'}; not written: ${notWritten.join(', ')}; ${restartNote}`,
      data: { ...outcome, cancelledAt: failure.destination, notWritten },
    };
  }
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
