/**
 * restore-test <container> [--backup DIR|latest]: proves a backup restores. The backup is checked
 * as a restore checks it (journal, SHA-256, GCM tag, every tar entry), then written into scratch
 * volumes mounted in a scratch container of the backed-up container's image (created, never
 * started, no network). The engine's own tar of each restored path is read back and every file's
 * SHA-256 compared with the backup's. The scratch container and volumes are removed whatever
 * happened. The original container is never touched.
 */
import { randomBytes } from 'node:crypto';
import { pipeline as pipelineCb, type Readable } from 'node:stream';
import { UserError, errorMessage } from '../errors.js';
import { CANCELLED } from '../engine/cancel.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import { isCompressed } from './backup.js';
import type { StagedArchive } from './backup-sources.js';
import { failed, inspectTarget, ok, optParam, plan, refOf, type ActionDeps } from './common.js';
import { loadBackupManifest, placeOf, plainTar } from './restore-verify.js';
import { pick, verifyThenWrite } from './restore.js';
import type { KeyMaterial } from './backup-crypto.js';
import { tarTree, treeDifferences, type Tree } from './tar-digest.js';

export const RESTORE_TEST_LABEL = 'io.warden.restore-test';

const backupRef = (ctx: StepContext) => optParam(ctx, 'backup') ?? 'latest';

/** An encrypted backup without its key: refused before any scratch resource exists. */
function refuseWithoutKey(manifest: { encrypted?: boolean; createdAt: string }, ctx: StepContext) {
  if (manifest.encrypted && !optParam(ctx, 'keyFile'))
    throw new UserError(
      `the backup of ${manifest.createdAt} is encrypted: pass --key-file FILE`,
      'the key file it was taken with (warden backup --encrypt --key-file)',
    );
}

export async function restoreTestDryRun(
  deps: ActionDeps,
  ctx: StepContext,
): Promise<ActionOutcome> {
  const c = await inspectTarget(deps.docker(), ctx);
  const { manifest, dir } = await loadBackupManifest(
    deps,
    backupRef(ctx),
    deps.sessionDir(ctx.sessionId),
    refOf(c),
    { anySession: true },
  );
  refuseWithoutKey(manifest, ctx);
  const archives = pick(manifest, optParam(ctx, 'volume'));
  return plan(
    'restore-test',
    refOf(c),
    [
      ...archives.map((_, i) => `POST /volumes/create (scratch ${i + 1})`),
      `POST /containers/create (image ${refOf(c).image ?? c.Image ?? '?'}, no network, never started)`,
      ...archives.map((a) => `PUT /containers/<scratch>/archive?path=${placeOf(a).extractTo}`),
      ...archives.map((a) => `GET /containers/<scratch>/archive?path=${a.destination}`),
      'DELETE /containers/<scratch>, DELETE /volumes/<scratch>',
    ],
    `the backup of ${manifest.createdAt} is verified, restored into scratch volumes and every file's SHA-256 compared; ${refOf(c).name} is not touched`,
    { backup: dir, backupCreatedAt: manifest.createdAt },
  );
}

export async function restoreTest(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const loaded = await loadBackupManifest(
    deps,
    backupRef(ctx),
    deps.sessionDir(ctx.sessionId),
    ref,
    { anySession: true },
  );
  refuseWithoutKey(loaded.manifest, ctx);
  const archives = pick(loaded.manifest, optParam(ctx, 'volume'));
  const tag = `${ref.id.slice(0, 12)}-${randomBytes(3).toString('hex')}`;
  const labels = { [RESTORE_TEST_LABEL]: ctx.sessionId };
  const volumes = archives.map((a, i) => ({
    name: `warden-restore-test-${tag}-${i + 1}`,
    target: a.destination,
  }));
  const scratchName = `warden-restore-test-${tag}`;
  const base = {
    action: 'restore-test',
    container: ref,
    backup: loaded.dir,
    manifestSha256: loaded.sha256,
    backupCreatedAt: loaded.manifest.createdAt,
    backupOf: loaded.manifest.container,
    encrypted: Boolean(loaded.manifest.encrypted),
    scratch: { container: scratchName, volumes: volumes.map((v) => v.name) },
  };
  const staged: StagedArchive[] = [];
  const made: { container?: string; volumes: string[] } = { volumes: [] };
  let outcome: ActionOutcome;
  try {
    for (const v of volumes) {
      await docker.createVolume({ name: v.name, labels });
      made.volumes.push(v.name);
    }
    const scratch = await docker.createScratchContainer({
      name: scratchName,
      image: c.Image ?? ref.image ?? '',
      volumes,
      labels,
    });
    made.container = scratch.id;
    ctx.onOutput(`scratch container ${scratchName} (never started, no network)`);
    const inspected = await docker.inspectDetailed(scratch.id);
    // The backup is restored as the original's: its replacement, as far as the checks go.
    const into: StepContext = {
      ...ctx,
      params: {
        ...ctx.params,
        container: scratch.id,
        replaces: ref.id,
        replacesName: ref.name,
        restart: 'false',
        scratch: 'true',
      },
    };
    const key: { km?: KeyMaterial } = {};
    const wrote = await verifyThenWrite(deps, into, inspected, loaded, archives, staged, key);
    outcome = wrote.ok
      ? await compare(deps, ctx, scratch.id, archives, staged, loaded, base, key.km)
      : {
          ...wrote,
          summary: `restore test FAILED: ${wrote.summary}`,
          // The restore test's own record (its action, the original container) over the restore's.
          data: { ...wrote.data, ...base, passed: false },
        };
  } catch (err) {
    outcome = failed(`restore test FAILED: ${errorMessage(err)}`, {
      ...base,
      passed: false,
      error: errorMessage(err),
    });
  } finally {
    await Promise.all(staged.map((s) => s.dispose()));
  }
  // The scratch resources go whatever happened; what could not be removed is said.
  const left: string[] = [];
  if (made.container)
    await docker.removeContainer(made.container, { force: true }).catch(() => {
      left.push(`container ${scratchName}`);
    });
  for (const v of made.volumes)
    await docker.removeVolume(v).catch(() => {
      left.push(`volume ${v}`);
    });
  const data = { ...outcome.data, removed: left.length === 0, ...(left.length ? { left } : {}) };
  return {
    ...outcome,
    summary: left.length
      ? `${outcome.summary}; NOT removed (label ${RESTORE_TEST_LABEL}): ${left.join(', ')}`
      : outcome.summary,
    data,
  };
}

async function compare(
  deps: ActionDeps,
  ctx: StepContext,
  scratch: string,
  archives: ReturnType<typeof pick>,
  staged: StagedArchive[],
  loaded: Awaited<ReturnType<typeof loadBackupManifest>>,
  base: Record<string, unknown>,
  /** The key the verification derived (undefined for a plain backup). */
  km: KeyMaterial | undefined,
): Promise<ActionOutcome> {
  const docker = deps.docker();
  const gzipped = isCompressed(loaded.manifest);
  const differences: string[] = [];
  let files = 0;
  let bytes = 0;
  for (const [i, a] of archives.entries()) {
    if (ctx.signal.aborted)
      return {
        ok: false,
        cancelled: true,
        summary: `${CANCELLED} while comparing ${a.destination}`,
        data: { ...base, passed: false },
      };
    const copy = staged[i];
    if (!copy) throw new Error(`no private copy of ${a.file}`);
    ctx.onOutput(`comparing ${a.destination}`);
    const { source, stages } = plainTar(copy, km, ctx.signal, gzipped);
    const plain = (
      stages.length ? pipelineCb([source, ...stages], () => undefined) : source
    ) as Readable;
    const backup: Tree = await tarTree(plain);
    const restored = await tarTree(await docker.getArchive(scratch, a.destination, ctx.signal));
    for (const e of backup.values())
      if (e.type === 'file') {
        files++;
        bytes += e.size ?? 0;
      }
    differences.push(...treeDifferences(backup, restored).map((d) => `${a.destination}: ${d}`));
  }
  const data = { ...base, files, bytes, differences, passed: differences.length === 0 };
  return differences.length === 0
    ? ok(
        `restore test passed: ${files} files (${bytes} bytes) of the backup of ${loaded.manifest.createdAt} restored into scratch volumes and read back, every SHA-256 equal`,
        data,
      )
    : failed(
        `restore test FAILED: ${differences.length} difference(s) between the backup and what was restored: ${differences.slice(0, 3).join('; ')}`,
        data,
      );
}
