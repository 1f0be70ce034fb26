/**
 * The audit pipeline shared by `warden audit` and the CheckRunner: load compose files, collect
 * live containers, evaluate checks and drift. Pure: I/O comes in through the port and readFile.
 */
import { DockerError, UserError, errorMessage } from '../errors.js';
import { DRIFT_CHECK, evaluateModel, evaluateStack } from './catalog.js';
import { collectLive, liveNetworks, type ProcessSource } from './collect.js';
import { evaluateNetworks, segmentation, type SegmentRow } from './rules-networks.js';
import type { ComposeAudit } from './compose-model.js';
import type { ReadFile } from './compose-load.js';
import { evaluateDrift } from './drift.js';
import type { ContainerModel, EngineFacts } from './model.js';
import type { Evaluation } from './types.js';
import { collectImages, evaluateImage, type ImageScanOptions } from './collect-images.js';
import { daemonTarget, evaluateDaemon } from './rules-daemon.js';
import { evaluateHost } from './rules-docker-host.js';
import { DEFAULT_RPO_HOURS, evaluateBackups, type BackupHistory } from './rules-backups.js';
import { ALL_CHECKS } from './all-checks.js';
import { collectDaemon } from './collect-daemon.js';
import { collectSwarm, swarmRole, type SwarmCapablePort } from './collect-swarm.js';
import { evaluateSwarm } from './rules-swarm.js';

export interface AuditInput {
  composeFiles?: readonly string[];
  containers?: readonly string[];
  checkIds?: readonly string[];
  /** The engine; the swarm scope uses its swarm reads when the adapter has them. */
  docker?: SwarmCapablePort;
  readFile?: ReadFile;
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /**
   * What to audit: `containers`, `compose`, `networks`, `daemon`, `host`, `swarm` and `images`.
   * Default: containers, compose, networks, and the daemon and its host when an engine answers
   * and no `containers` narrow the audit down, and the swarm when that engine is a swarm manager;
   * `images` walks every image's layers and is asked for explicitly.
   */
  scopes?: readonly string[];
  images?: ImageScanOptions & { maxAgeDays?: number; now?: Date };
  /** `top`: list processes through the engine even when this machine's /proc could be read. */
  processSource?: 'auto' | 'top';
  /** The backups scope: what this WARDEN_HOME's sessions recorded, and the RPO to judge by. */
  backups?: { history: () => Promise<BackupHistory>; rpoHours?: number; now?: Date };
  /** The swarm scope: the time its root CA's age is judged at. */
  swarm?: { now?: Date };
}

export const AUDIT_SCOPES = [
  'containers',
  'compose',
  'networks',
  'backups',
  'daemon',
  'host',
  'swarm',
  'images',
] as const;
export const DEFAULT_IMAGE_MAX_AGE_DAYS = 365;

export interface AuditRun {
  evaluations: Evaluation[];
  engine: {
    reached: boolean;
    name?: string;
    version?: string;
    securityOptions?: string[];
    message?: string;
    processSource?: ProcessSource;
  };
  composes: ComposeAudit[];
  live: ContainerModel[];
  facts?: EngineFacts;
  /** The networks scope: each network and its members (who can reach whom). */
  segments: SegmentRow[];
}

/** Engine errors that mean "no engine here", as opposed to a failing call. */
export function isUnreachable(err: unknown): boolean {
  return (
    err instanceof DockerError && (err.kind === 'daemon-unreachable' || err.kind === 'permission')
  );
}

export async function runAuditCore(input: AuditInput): Promise<AuditRun> {
  const all = ALL_CHECKS.map((c) => c.id);
  const ids = input.checkIds ?? all;
  const unknown = ids.filter((id) => !all.includes(id));
  // By default the daemon too, when an engine is there to ask (and it answered a compose audit).
  // Every scope but the images (their layers are read: asked for by name).
  const scopes = input.scopes ?? AUDIT_SCOPES.filter((s) => s !== 'images');
  const daemonByDefault = input.scopes === undefined;
  const narrowed = (input.containers?.length ?? 0) > 0;
  const bad = scopes.filter((s) => !(AUDIT_SCOPES as readonly string[]).includes(s));
  if (bad.length)
    throw new UserError(`unknown scope(s): ${bad.join(', ')}; use ${AUDIT_SCOPES.join(', ')}`);
  if (unknown.length) throw new UserError(`unknown check id(s): ${unknown.join(', ')}`);
  const composes: ComposeAudit[] = [];
  // Loaded only for compose files: the YAML parser is most of what an engine-only audit would load.
  const { composeModels } = input.composeFiles?.length
    ? await import('./compose-model.js')
    : { composeModels: undefined };
  for (const file of input.composeFiles ?? []) {
    const readFile = input.readFile;
    if (!readFile) throw new UserError('no file access to read compose files');
    let text: string;
    try {
      text = await readFile(file);
    } catch (err) {
      throw new UserError(`cannot read compose file ${file}: ${errorMessage(err)}`);
    }
    composes.push(
      await (composeModels as NonNullable<typeof composeModels>)(text, {
        file,
        readFile,
        ...(input.env ? { env: input.env } : {}),
      }),
    );
  }

  const composeMode = composes.length > 0;
  let engine: AuditRun['engine'] = { reached: false, message: 'no engine configured' };
  let live: ContainerModel[] = [];
  let facts: EngineFacts | undefined;
  const networksAsked = scopes.includes('networks');
  // By default only where this WARDEN_HOME's sessions can be read (the CLI's audit).
  const backupsAsked =
    scopes.includes('backups') && (!daemonByDefault || input.backups !== undefined);
  if (backupsAsked && !input.backups)
    throw new UserError("the backups scope reads this WARDEN_HOME's sessions: not available here");
  if (
    input.docker &&
    (scopes.includes('containers') || networksAsked || backupsAsked || composeMode)
  ) {
    try {
      const got = await collectLive(input.docker, {
        ...(input.containers?.length ? { containers: input.containers } : {}),
        ...(composeMode && !input.containers?.length
          ? { projects: composes.map((c) => c.project) }
          : {}),
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.processSource ? { processSource: input.processSource } : {}),
      });
      live = got.containers;
      facts = got.facts;
      engine = {
        reached: true,
        ...got.engine,
        ...(got.processSource ? { processSource: got.processSource } : {}),
      };
    } catch (err) {
      // With compose files, a missing engine is not an error: the files are still audited.
      if (!composeMode || !isUnreachable(err)) throw err;
      engine = { reached: false, message: errorMessage(err) };
    }
  }

  const ctx = facts ? { facts } : {};
  const evaluations: Evaluation[] = [];
  // `--scope networks` alone: only the network checks read the containers collected.
  const containerChecks = scopes.includes('containers') || scopes.includes('compose');
  const checkIds = ids.filter((id) => id !== DRIFT_CHECK.id);
  if (containerChecks) {
    for (const c of composes) {
      for (const s of c.services) evaluations.push(...evaluateModel(s, ctx, checkIds));
      evaluations.push(...evaluateStack(c.services, ctx, checkIds));
    }
    for (const m of live) evaluations.push(...evaluateModel(m, ctx, checkIds));
    evaluations.push(...evaluateStack(live, ctx, checkIds));
    if (ids.includes(DRIFT_CHECK.id)) {
      for (const m of live) {
        const file = composes.find((c) => c.project === m.project);
        const svc = file?.services.find((s) => s.service === m.composeService);
        if (svc) evaluations.push(evaluateDrift(svc, m));
      }
    }
  }
  const segments: SegmentRow[] = [];
  if (networksAsked) {
    for (const c of composes) {
      evaluations.push(...evaluateNetworks(c.services, c.networks, { file: c.file }, ids));
      segments.push(...segmentation(c.services, c.networks, { file: c.file }));
    }
    if (input.docker && engine.reached) {
      // A narrowed audit still judges the named containers' networks with all their members.
      const all = narrowed
        ? (
            await collectLive(input.docker, {
              ...(input.signal ? { signal: input.signal } : {}),
              ...(input.processSource ? { processSource: input.processSource } : {}),
            })
          ).containers
        : live;
      const networks = await liveNetworks(input.docker);
      const named = new Set(live.flatMap((m) => m.networks ?? []));
      const judged = narrowed ? networks.filter((n) => named.has(n.name)) : networks;
      const evs = evaluateNetworks(all, judged, {}, ids);
      const keep = new Set(live.map((m) => m.id ?? m.name));
      evaluations.push(
        ...evs.filter(
          (e) => !narrowed || e.target.kind === 'network' || keep.has(e.target.id ?? e.target.name),
        ),
      );
      segments.push(...segmentation(all, judged, {}));
    }
  }
  if (backupsAsked && input.backups && live.length > 0) {
    const history = await input.backups.history();
    evaluations.push(
      ...evaluateBackups(
        live,
        history,
        {
          now: input.backups.now ?? new Date(),
          rpoHours: input.backups.rpoHours ?? DEFAULT_RPO_HOURS,
        },
        ids,
      ),
    );
  }
  // The daemon and its machine: asked for, or by default when an engine answers for itself.
  const engineWide = (scope: 'daemon' | 'host') =>
    scopes.includes(scope) &&
    (!daemonByDefault ||
      (input.docker !== undefined && !narrowed && (engine.reached || !composeMode)));
  const daemonAsked = engineWide('daemon');
  const hostAsked = engineWide('host');
  if (daemonAsked || hostAsked) {
    if (!input.docker)
      throw new UserError(`the ${daemonAsked ? 'daemon' : 'host'} scope needs an engine`);
    const facts = await collectDaemon(input.docker, { host: hostAsked });
    if (!engine.reached)
      engine = {
        reached: true,
        ...(facts.info.Name ? { name: facts.info.Name } : {}),
        ...(facts.info.ServerVersion ? { version: facts.info.ServerVersion } : {}),
      };
    if (daemonAsked) evaluations.push(...evaluateDaemon(facts, ids));
    if (hostAsked)
      evaluations.push(
        ...evaluateHost(
          facts.host ?? { reason: facts.settingsReason ?? 'the host is not readable from here' },
          daemonTarget(facts.info),
          ids,
        ),
      );
  }
  // The swarm: asked for, or by default when the engine that answered manages one.
  if (
    scopes.includes('swarm') &&
    (!daemonByDefault || (input.docker !== undefined && !narrowed && engine.reached))
  ) {
    if (!input.docker) throw new UserError('the swarm scope needs an engine');
    const info = await input.docker.info();
    if (!daemonByDefault || swarmRole(info).manager) {
      const facts = await collectSwarm(input.docker, info);
      if (!engine.reached)
        engine = {
          reached: true,
          ...(info.Name ? { name: info.Name } : {}),
          ...(info.ServerVersion ? { version: info.ServerVersion } : {}),
        };
      evaluations.push(...evaluateSwarm(facts, { now: input.swarm?.now ?? new Date() }, ids));
    }
  }
  if (scopes.includes('images')) {
    if (!input.docker) throw new UserError('the images scope needs an engine');
    const { maxAgeDays, now, ...scanOpts } = input.images ?? {};
    const got = await collectImages(input.docker, {
      ...scanOpts,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    if (!engine.reached) engine = { reached: true };
    const ictx = { now: now ?? new Date(), maxAgeDays: maxAgeDays ?? DEFAULT_IMAGE_MAX_AGE_DAYS };
    for (const f of got) evaluations.push(...evaluateImage(f, ictx, ids));
  }
  return { evaluations, engine, composes, live, segments, ...(facts ? { facts } : {}) };
}
