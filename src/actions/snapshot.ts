/**
 * snapshot <container>: logs (stdout/stderr, timestamps), masked inspect, processes, filesystem
 * changes, recent engine events, optionally the exported filesystem and a committed image, into
 * `sessions/<id>/evidence/<name>-<time>/` with a manifest of sizes and SHA-256. A snapshot that
 * breaks off is written down as incomplete, never passed off as whole.
 */
import { join, relative } from 'node:path';
import { DockerError, errorMessage } from '../errors.js';
import { CANCELLED, isCancellation, untilCancelled } from '../engine/cancel.js';
import type { ActionOutcome, EngineRef, StepContext } from '../engine/executors.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import { writeLogs } from './snapshot-logs.js';
import type { WrittenFile } from './files-port.js';
import {
  flag,
  inspectTarget,
  maskText,
  optParam,
  plan,
  refOf,
  safeName,
  secretEnvBuffers,
  secretsOf,
  stampOf,
  type ActionDeps,
} from './common.js';
import { maskDeep, maskInspect } from './evidence-mask.js';
import { eventsWithCoverage, type EventsCoverage } from './events.js';
import { ByteMeter, formatBytes } from './progress.js';

export const SNAPSHOT_PARTS = ['logs', 'inspect', 'processes', 'changes', 'events'] as const;
export const EVENTS_LIMIT = 1000;
/** How far back engine events are read (bounded by the container's creation). */
export const EVENTS_WINDOW_S = 24 * 3600;

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
  kind: string;
  description: string;
}

export interface EvidenceManifest {
  format: 'warden-evidence/1';
  session: string;
  /** The engine the evidence was read from (address, context, its ID and name). */
  engine?: EngineRef;
  container: { id: string; name: string; image?: string };
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  parts: string[];
  files: ManifestFile[];
  /** Parts not collected and why (e.g. processes of a stopped container). */
  skipped: { part: string; reason: string }[];
  /** What broke the snapshot off, when incomplete. */
  errors: { part: string; message: string }[];
  /** The operator cancelled it: what was collected is kept, and it is not complete. */
  cancelled?: boolean;
  /** How far back the engine's events reached (its buffer is bounded). */
  eventsCoverage?: EventsCoverage;
  image?: { repo: string; tag: string; id: string };
  options: { since?: string; export: boolean; commit: boolean };
  /** Occurrences of the container's credential-like variable values replaced by *** in the logs. */
  maskedInLogs: number;
}

/** Parses `--since`: unix seconds, an ISO time, or a duration like `30m`, `2h`, `1d`. */
export function parseSince(v: string | undefined, now: Date): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const m = /^(\d+)([smhd])$/.exec(v);
  if (m) {
    const mult = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
    return Math.floor(now.getTime() / 1000) - Number(m[1]) * mult;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new DockerError(`cannot read --since "${v}"`, 'unknown');
  return Math.floor(t / 1000);
}

/** Errors that mean the rest of the snapshot cannot be collected. */
function breaksOff(err: unknown): boolean {
  if (err instanceof DockerError)
    return ['not-found', 'daemon-unreachable', 'permission'].includes(err.kind);
  const code = (err as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

export async function snapshotDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const c = await inspectTarget(deps.docker(), ctx);
  const id = c.Id.slice(0, 12);
  const calls = [
    `GET /containers/${id}/logs?stdout=1&stderr=1&timestamps=1`,
    `GET /containers/${id}/json`,
    `GET /containers/${id}/top`,
    `GET /containers/${id}/changes`,
    `GET /events?filters={"container":["${id}"]}&until=now`,
  ];
  if (flag(ctx, 'export')) calls.push(`GET /containers/${id}/export`);
  if (flag(ctx, 'commit'))
    calls.push(`POST /commit?container=${id}&repo=warden-evidence/<name>&pause=1`);
  return plan(
    'snapshot',
    refOf(c),
    calls,
    flag(ctx, 'commit') ? 'none lost; the container is paused for the commit' : 'none (read-only)',
  );
}

export async function snapshot(
  deps: ActionDeps,
  ctx: StepContext,
  parts: readonly string[] = SNAPSHOT_PARTS,
): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c: ControlInspect = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const secrets = secretsOf(c);
  const logSecrets = secretEnvBuffers(c);
  let maskedInLogs = 0;
  const started = deps.clock.now();
  const sessionDir = deps.sessionDir(ctx.sessionId);
  const dir = join(sessionDir, 'evidence', `${safeName(ref.name)}-${stampOf(started)}`);
  await deps.files.mkdirPrivate(dir);
  const want = new Set(parts);
  const doExport = flag(ctx, 'export');
  const doCommit = flag(ctx, 'commit');
  const sinceArg = optParam(ctx, 'since');
  const since = parseSince(sinceArg, started);

  const files: ManifestFile[] = [];
  const skipped: EvidenceManifest['skipped'] = [];
  const errors: EvidenceManifest['errors'] = [];
  let image: EvidenceManifest['image'];
  let eventsCoverage: EventsCoverage | undefined;
  let broken = false;
  let cancelled = false;
  /** Bytes of the part being collected, for the cancel message. */
  let partBytes = 0;
  const add = (path: string, w: WrittenFile, kind: string, description: string) =>
    files.push({ path, bytes: w.bytes, sha256: w.sha256, kind, description });
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

  const step = async (part: string, fn: () => Promise<void>) => {
    if (broken || ctx.signal.aborted) {
      if (ctx.signal.aborted && !broken) {
        broken = true;
        cancelled = true;
        errors.push({ part, message: `${CANCELLED} before ${part}` });
      } else
        skipped.push({
          part,
          reason: `not collected: the snapshot ${cancelled ? 'was cancelled' : 'broke off'} earlier`,
        });
      return;
    }
    partBytes = 0;
    try {
      ctx.onOutput(`collecting ${part}...`);
      await fn();
    } catch (err) {
      if (isCancellation(err, ctx.signal)) {
        broken = true;
        cancelled = true;
        errors.push({
          part,
          message: `${CANCELLED} during ${part}${partBytes ? ` (${formatBytes(partBytes)} written, kept)` : ''}`,
        });
        ctx.onOutput(`! cancelled during ${part}: what was written is kept`);
        return;
      }
      if (err instanceof DockerError && err.kind === 'not-running') {
        skipped.push({ part, reason: maskText(errorMessage(err), secrets) });
        return;
      }
      errors.push({ part, message: maskText(errorMessage(err), secrets) });
      ctx.onOutput(`! ${part}: ${maskText(errorMessage(err), secrets)}`);
      if (breaksOff(err)) broken = true;
    }
  };

  if (want.has('logs'))
    await step('logs', async () => {
      // Whatever arrived is kept and hashed, even when the stream broke off.
      await writeLogs(deps, docker, ref.id, dir, {
        since,
        secrets: logSecrets,
        signal: ctx.signal,
        ctx,
        onBytes: (n) => (partBytes += n),
        onMasked: (n) => (maskedInLogs += n),
        onClosed: (stream, done) =>
          add(
            `${stream}.log`,
            done,
            `logs-${stream}`,
            `container ${stream}, each line prefixed with its RFC 3339 timestamp; values of credential-like variables replaced with ***`,
          ),
      });
    });

  if (want.has('inspect'))
    await step('inspect', async () => {
      const fresh = await docker.inspectDetailed(ref.id);
      const w = await deps.files.writeFile(join(dir, 'inspect.json'), json(maskInspect(fresh)));
      add('inspect.json', w, 'inspect', 'docker inspect, environment values masked');
    });

  if (want.has('processes'))
    await step('processes', async () => {
      const top = await docker.top(ref.id);
      const text = json(maskDeep(top, secrets));
      const w = await deps.files.writeFile(join(dir, 'processes.json'), text);
      add('processes.json', w, 'processes', 'processes as the engine sees them (top)');
    });

  if (want.has('changes'))
    await step('changes', async () => {
      const changes = await docker.containerChanges(ref.id);
      const w = await deps.files.writeFile(join(dir, 'changes.json'), json(changes));
      add(
        'changes.json',
        w,
        'changes',
        'filesystem changes against the image (Kind 0 modified, 1 added, 2 deleted)',
      );
    });

  if (want.has('events'))
    await step('events', async () => {
      const got = await eventsWithCoverage(docker, c, {
        now: deps.clock.now(),
        windowS: EVENTS_WINDOW_S,
        limit: EVENTS_LIMIT,
        signal: ctx.signal,
        want: 'creation',
      });
      eventsCoverage = got.coverage;
      if (!got.coverage.complete)
        ctx.onOutput(`! events since ${got.coverage.since} only: ${got.coverage.reason}`);
      const text = json(maskDeep(got.events, secrets));
      const w = await deps.files.writeFile(join(dir, 'events.json'), text);
      add(
        'events.json',
        w,
        'events',
        `engine events for the container (exec_create, exec_start, ...), at most ${EVENTS_LIMIT}, ${got.coverage.complete ? `since its creation (${got.coverage.since})` : `since ${got.coverage.since} only: ${got.coverage.reason}`}`,
      );
    });

  if (doExport)
    await step('export', async () => {
      const path = join(dir, 'filesystem.tar');
      const stream = await docker.exportContainer(ref.id, ctx.signal);
      const w = await deps.files.createWriter(path);
      const meter = new ByteMeter(ctx, 'export');
      try {
        for await (const chunk of untilCancelled(stream, ctx.signal)) {
          await w.write(chunk);
          partBytes += chunk.length;
          meter.add(chunk.length);
        }
      } finally {
        meter.flush();
        add(
          'filesystem.tar',
          await w.close(),
          'filesystem',
          'the container filesystem (docker export)',
        );
      }
    });

  if (doCommit)
    await step('commit', async () => {
      const repo = `warden-evidence/${safeName(ref.name).toLowerCase()}`;
      const tag = ctx.sessionId.toLowerCase();
      const r = await docker.commitContainer(ref.id, {
        repo,
        tag,
        comment: `warden evidence, session ${ctx.sessionId}`,
        pause: true,
      });
      image = { repo, tag, id: r.id };
    });

  const complete = errors.length === 0;
  const manifest: EvidenceManifest = {
    format: 'warden-evidence/1',
    session: ctx.sessionId,
    ...(ctx.engine ? { engine: ctx.engine } : {}),
    container: ref,
    startedAt: started.toISOString(),
    finishedAt: deps.clock.now().toISOString(),
    complete,
    parts: [...parts, ...(doExport ? ['export'] : []), ...(doCommit ? ['commit'] : [])],
    files,
    skipped,
    errors,
    ...(cancelled ? { cancelled: true } : {}),
    ...(eventsCoverage ? { eventsCoverage } : {}),
    ...(image ? { image } : {}),
    options: { ...(sinceArg ? { since: sinceArg } : {}), export: doExport, commit: doCommit },
    maskedInLogs,
  };
  let manifestHash: WrittenFile | undefined;
  let manifestError: string | undefined;
  try {
    manifestHash = await deps.files.writeFile(join(dir, 'manifest.json'), json(manifest));
  } catch (err) {
    manifestError = errorMessage(err);
  }
  const rel = relative(sessionDir, dir);
  const whole = complete && !manifestError;
  const data: Record<string, unknown> = {
    action: 'snapshot',
    container: ref,
    parts: manifest.parts,
    fullSnapshot: SNAPSHOT_PARTS.every((p) => want.has(p)),
    complete: whole,
    dir: rel,
    manifest: `${rel}/manifest.json`,
    manifestSha256: manifestHash?.sha256 ?? null,
    files: files.map((f) => ({
      path: `${rel}/${f.path}`,
      bytes: f.bytes,
      sha256: f.sha256,
      kind: f.kind,
    })),
    skipped,
    errors: manifestError ? [...errors, { part: 'manifest', message: manifestError }] : errors,
    ...(cancelled ? { cancelled: true } : {}),
    ...(eventsCoverage ? { eventsCoverage } : {}),
    ...(image ? { image } : {}),
  };
  const total = files.reduce((n, f) => n + f.bytes, 0);
  const partial =
    eventsCoverage && !eventsCoverage.complete ? `; events since ${eventsCoverage.since} only` : '';
  if (!whole) {
    const first = errors[0] ?? { part: 'manifest', message: manifestError ?? '' };
    return {
      ok: false,
      ...(cancelled ? { cancelled: true } : {}),
      summary: `INCOMPLETE snapshot of ${ref.name}: ${cancelled ? first.message : `${first.part}: ${first.message}`} (${files.length} file(s), ${formatBytes(total)} kept in ${rel})`,
      data,
    };
  }
  return {
    ok: true,
    summary: `snapshot of ${ref.name}: ${files.length} file(s), ${formatBytes(total)} in ${rel}; manifest sha256 ${manifestHash?.sha256.slice(0, 16)}…${partial}`,
    data,
  };
}
