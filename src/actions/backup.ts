/**
 * backup <container>: each volume and bind mount (or one named volume) read through the engine's
 * archive endpoint, gzipped, optionally AES-256-GCM encrypted, streamed to
 * `sessions/<id>/backups/<name>-<time>/` with its SHA-256, plus manifest.json.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { join, relative } from 'node:path';
import { UserError } from '../errors.js';
import { CANCELLED, isCancellation, untilCancelled } from '../engine/cancel.js';
import { coalesce } from '../engine/coalesce.js';
import { gzipBlocks } from './gzip-blocks.js';
import { writeBehind } from './write-behind.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { MountPointJson } from '../engine/docker-read-port.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import { encryptTransform, encryptionInfo, parseKeyFile } from './backup-crypto.js';
import {
  failed,
  flag,
  inspectTarget,
  nameOf,
  ok,
  optParam,
  plan,
  refOf,
  safeName,
  stampOf,
  type ActionDeps,
} from './common.js';
import { ByteMeter, formatBytes } from './progress.js';
import { TarHeaderReader } from './tar-headers.js';

export const GZIP_LEVEL = 1;

/**
 * `gzip` (level 1 on every core, the default: about half the size for text) or `none` (a plain
 * tar, close to `docker cp`'s speed): the trade-off is the operator's (README, "Backups").
 */
export const COMPRESSIONS = ['gzip', 'none'] as const;

/** Whether the archives of a backup are gzipped (every backup before `none` existed is). */
export function isCompressed(m: Pick<BackupManifest, 'compression'>): boolean {
  return m.compression !== 'none';
}

function compressionOf(ctx: StepContext): (typeof COMPRESSIONS)[number] {
  const v = optParam(ctx, 'compression') ?? 'gzip';
  if (!(COMPRESSIONS as readonly string[]).includes(v))
    throw new UserError(`unknown compression ${v}; use ${COMPRESSIONS.join(' or ')}`);
  return v as (typeof COMPRESSIONS)[number];
}

export interface BackupArchive {
  file: string;
  source: { type: string; name?: string; hostPath?: string };
  destination: string;
  /** Where the archive is extracted on restore (the parent of `destination`). */
  extractTo: string;
  tarBytes: number;
  /** Tar entries, as the engine's reader sees them (absent in backups of earlier versions). */
  entries?: number;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: 'warden-backup/1';
  session: string;
  container: { id: string; name: string; image?: string };
  createdAt: string;
  finishedAt: string;
  encrypted: boolean;
  encryption?: Record<string, unknown>;
  compression: string;
  archives: BackupArchive[];
  /**
   * False when the backup was cancelled (or broke off): the archives listed are whole, the rest
   * missing, and restore refuses it. Absent in backups of earlier versions (they are complete).
   */
  complete?: boolean;
  /** The mounts not archived, and why. */
  missing?: { destination: string; reason: string }[];
}

export function mountsToBackUp(c: ControlInspect, volume?: string): MountPointJson[] {
  const all = (c.Mounts ?? []).filter(
    (m) =>
      (m.Type === 'volume' || m.Type === 'bind') &&
      m.Destination &&
      !/docker\.sock$/.test(m.Source ?? ''),
  );
  if (!volume) return all;
  const picked = all.filter((m) => m.Name === volume || m.Destination === volume);
  if (picked.length === 0)
    throw new UserError(
      `${nameOf(c)} has no volume or mount "${volume}"`,
      `its mounts: ${all.map((m) => m.Name ?? m.Destination).join(', ') || 'none'}`,
    );
  return picked;
}

function posixDirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export async function backupDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const c = await inspectTarget(deps.docker(), ctx);
  const mounts = mountsToBackUp(c, optParam(ctx, 'volume'));
  const dir = join(deps.sessionDir(ctx.sessionId), 'backups', `${safeName(nameOf(c))}-<time>`);
  return plan(
    'backup',
    refOf(c),
    mounts.map((m) => `GET /containers/${c.Id.slice(0, 12)}/archive?path=${m.Destination}`),
    `none (read-only; the container keeps running, so a busy database may need a dump instead); writes ${dir}/`,
    {
      mounts: mounts.map((m) => ({ type: m.Type, name: m.Name, destination: m.Destination })),
      encrypted: flag(ctx, 'encrypt'),
      writes: dir,
    },
  );
}

export async function backup(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const mounts = mountsToBackUp(c, optParam(ctx, 'volume'));
  const encrypt = flag(ctx, 'encrypt');
  const keyFile = optParam(ctx, 'keyFile');
  const gzip = compressionOf(ctx) === 'gzip';
  if (encrypt && !keyFile) throw new UserError('--encrypt needs --key-file FILE');
  const km = encrypt && keyFile ? parseKeyFile(await deps.files.readFile(keyFile)) : undefined;
  if (mounts.length === 0)
    return failed(`${ref.name} has no volumes or bind mounts to back up`, {
      action: 'backup',
      container: ref,
    });

  const created = deps.clock.now();
  const sessionDir = deps.sessionDir(ctx.sessionId);
  const dir = join(sessionDir, 'backups', `${safeName(ref.name)}-${stampOf(created)}`);
  await deps.files.mkdirPrivate(dir);
  const archives: BackupArchive[] = [];
  let cancelledAt: { destination: string; bytes: number } | undefined;
  for (const [i, m] of mounts.entries()) {
    const dest = m.Destination ?? '';
    if (ctx.signal.aborted) {
      cancelledAt = { destination: dest, bytes: 0 };
      break;
    }
    const label = safeName(m.Type === 'volume' && m.Name ? m.Name : dest.replace(/^\//, ''));
    const file = `${i + 1}-${label}.tar${gzip ? '.gz' : ''}${km ? '.enc' : ''}`;
    ctx.onOutput(`archiving ${m.Type} ${m.Name ?? m.Source ?? ''} at ${dest} → ${file}`);
    const src = await docker.getArchive(ref.id, dest, ctx.signal);
    let tarBytes = 0;
    let entries: number | undefined = 0;
    // Counted as restore will count them; an archive this reader refuses is left uncounted.
    const headers = new TarHeaderReader(() => {
      if (entries !== undefined) entries++;
    });
    const meter = new ByteMeter(ctx, `archive ${dest}`);
    const counted = (async function* () {
      for await (const chunk of untilCancelled(src, ctx.signal)) {
        tarBytes += chunk.length;
        meter.add(chunk.length);
        if (entries !== undefined)
          try {
            headers.write(chunk);
          } catch {
            entries = undefined;
          }
        yield chunk;
      }
    })();
    const w = await deps.files.createWriter(join(dir, file));
    try {
      // pipeline: the source, gzip and encryption (each when asked) run with backpressure.
      const sink = async (source: AsyncIterable<Buffer>) => {
        const out = writeBehind(w);
        for await (const block of coalesce(source)) await out.write(block);
        await out.settle();
      };
      const compress = (src: AsyncIterable<Buffer>) => gzipBlocks(src, { level: GZIP_LEVEL });
      const stages = [...(gzip ? [compress] : []), ...(km ? [encryptTransform(km)] : [])];
      await pipeline(
        [Readable.from(counted), ...stages, sink] as unknown as [
          NodeJS.ReadableStream,
          NodeJS.WritableStream,
        ],
        { signal: ctx.signal },
      );
    } catch (err) {
      const partial = await w.abort();
      if (!isCancellation(err, ctx.signal)) throw err;
      // The partial archive stays (named in the manifest as missing); it is never restored.
      cancelledAt = { destination: dest, bytes: partial.bytes };
      break;
    } finally {
      meter.flush();
    }
    const written = await w.close();
    archives.push({
      file,
      source: {
        type: m.Type ?? '?',
        ...(m.Name ? { name: m.Name } : {}),
        ...(m.Source ? { hostPath: m.Source } : {}),
      },
      destination: dest,
      extractTo: posixDirname(dest),
      tarBytes,
      ...(entries !== undefined ? { entries } : {}),
      bytes: written.bytes,
      sha256: written.sha256,
    });
  }
  const manifest: BackupManifest = {
    format: 'warden-backup/1',
    session: ctx.sessionId,
    container: ref,
    createdAt: created.toISOString(),
    finishedAt: deps.clock.now().toISOString(),
    encrypted: Boolean(km),
    ...(km ? { encryption: encryptionInfo(km) } : {}),
    compression: gzip ? `gzip level ${GZIP_LEVEL}` : 'none',
    archives,
    complete: !cancelledAt,
    ...(cancelledAt
      ? {
          missing: mounts
            .map((m) => m.Destination ?? '')
            .filter((d) => !archives.some((a) => a.destination === d))
            .map((d) => ({
              destination: d,
              reason:
                d === cancelledAt?.destination
                  ? `${CANCELLED} while archiving (${formatBytes(cancelledAt.bytes)} written, not usable)`
                  : `${CANCELLED} before it was archived`,
            })),
        }
      : {}),
  };
  const mw = await deps.files.writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify(manifest, null, 2) + '\n',
  );
  const rel = relative(sessionDir, dir);
  const total = archives.reduce((n, a) => n + a.bytes, 0);
  const result = {
    action: 'backup',
    container: ref,
    dir: rel,
    manifest: `${rel}/manifest.json`,
    manifestSha256: mw.sha256,
    createdAt: manifest.createdAt,
    encrypted: Boolean(km),
    complete: manifest.complete,
    archives: archives.map((a) => ({
      path: `${rel}/${a.file}`,
      destination: a.destination,
      volume: a.source.name,
      bytes: a.bytes,
      tarBytes: a.tarBytes,
      ...(a.entries !== undefined ? { entries: a.entries } : {}),
      sha256: a.sha256,
    })),
    ...(manifest.missing ? { missing: manifest.missing } : {}),
  };
  if (cancelledAt)
    return {
      ok: false,
      cancelled: true,
      summary: `INCOMPLETE backup of ${ref.name}: ${CANCELLED} while archiving ${cancelledAt.destination}; ${archives.length} of ${mounts.length} mount(s) archived (${formatBytes(total)}) in ${rel}; restore refuses it`,
      data: result,
    };
  return ok(
    `backed up ${archives.length} mount(s) of ${ref.name} to ${rel} (${formatBytes(total)}${km ? ', encrypted' : ''})`,
    result,
  );
}
