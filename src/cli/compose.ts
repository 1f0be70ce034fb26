/**
 * The composition root: the ONE place that builds real adapters (dockerode, execa, conf, the
 * journal file, keys) and hands them on. Everything else receives them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import {
  endpointOf,
  engineIsLocal,
  LOCAL_ONLY_METHODS,
  type DockerEndpoint,
} from '../adapters/docker/endpoint.js';
import { errorMessage } from '../errors.js';
import {
  chooseEndpoint,
  currentContext,
  dockerConfigDir,
  listContexts,
} from '../adapters/docker/contexts.js';
import { engineTimeouts } from '../adapters/docker/timeouts.js';
import { refuseUnsafeHome } from './home-check.js';
import { lazyPort } from '../adapters/lazy.js';
import { runbookFiles } from '../adapters/runbook-files.js';
import { createSettings } from '../adapters/settings.js';
import { createSigner, loadKnownKeys } from '../adapters/signer.js';
import type { ActionRunner, CheckRunner, EngineRef } from '../engine/executors.js';
import type {
  Clock,
  DockerPort,
  SessionStorePort,
  SettingsPort,
  ShellPort,
  SignerPort,
} from '../engine/ports.js';
import type { SessionDeps } from '../engine/session.js';
import { createFileSessionStore } from '../journal/file.js';
import { loadCatalog, type Catalog, type RunbookFiles } from '../runbook/load.js';
import type { KnownIds } from '../runbook/parse.js';
import { actionDeps, buildRunners, secretsOfTargets, type RunnerDeps } from './runners.js';
import { packageRoot } from './version.js';
import { readRunbookIndex } from './runbook-index.js';
import { createEvidenceFiles, createSessionFiles } from '../adapters/evidence-fs.js';
import type { KnownKeys } from '../journal/key-trust.js';
import type { SessionFilesPort } from '../journal/recorded-files.js';
import { createBackupSources } from '../adapters/backup-sources-fs.js';
import type { ActionDeps } from '../actions/common.js';

export interface App {
  home: string;
  bundledRunbooks: string;
  userRunbooks: string;
  clock: Clock;
  settings: SettingsPort;
  store: SessionStorePort;
  shell: ShellPort;
  signer: SignerPort;
  files: RunbookFiles;
  /** Plain file access for headless verbs (compose files, ignore files, report output). */
  readText(path: string): Promise<string>;
  writeText(path: string, text: string): Promise<void>;
  /** The engine's address as shown (e.g. `unix:///var/run/docker.sock`). */
  readonly dockerEndpoint: string;
  /** Built on first use, so commands that never touch the engine never connect. */
  docker(): DockerPort;
  /** The engine of one Docker context (a fleet audit), built on first use like `docker()`. */
  dockerFor(context: string): { port: DockerPort; endpoint: string };
  /**
   * This app with the engine of one Docker context in place of the current one (the same home,
   * store and settings): the ports, action runner and recorded `engine` are that context's. For
   * an action on a swarm task, on the engine of the node that runs it.
   */
  forContext(context: string): App;
  /** The names of every context of the docker CLI's store (`--all-contexts`). */
  contextNames(): string[];
  /** Every context of the docker CLI's store, asked for its engine's version (for `doctor`). */
  dockerContexts(): Promise<ContextProbe[]>;
  checks(): CheckRunner | undefined;
  /** The ports incident actions run against (also used to re-check interrupted actions). */
  actionDeps(): ActionDeps;
  actions(): ActionRunner | undefined;
  /** Reads recorded files for `verify`, never out of the session directory. */
  sessionFiles: SessionFilesPort;
  /** This home's key, keys/trusted/*.pem and `extra` (--trusted-key files), as fingerprints. */
  knownKeys(extra?: readonly string[]): Promise<KnownKeys>;
  known(): KnownIds;
  catalog(): Promise<Catalog>;
  operator(): string;
  sessionDeps(): SessionDeps;
}

export interface ContextProbe {
  name: string;
  endpoint: string;
  /** The one the docker CLI would use now (its current context). */
  current: boolean;
  /** The engine's version, or why it did not answer. */
  version?: string;
  error?: string;
}

export function wardenHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.WARDEN_HOME?.trim() || join(homedir(), '.warden'));
}

export function bundledRunbooksDir(): string {
  return join(packageRoot(), 'runbooks');
}

export function osUser(): string {
  try {
    return userInfo().username || process.env.USER || 'unknown';
  } catch {
    return process.env.USER || 'unknown';
  }
}

export interface ComposeOptions {
  /** `--context NAME`: the Docker context to use, before DOCKER_HOST and the rest. */
  context?: string;
}

export function composeApp(env: NodeJS.ProcessEnv = process.env, opts: ComposeOptions = {}): App {
  const home = wardenHome(env);
  refuseUnsafeHome(home);
  // Config, keys, sessions and evidence live here: private to the operator from the start.
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const clock: Clock = { now: () => new Date() };
  const settings = createSettings(home);
  const store = createFileSessionStore(home, clock);
  // Loaded on first use: the home screen draws before the engine and shell adapters are read.
  const shell = lazyPort<ShellPort>(() =>
    import('../adapters/shell.js').then((m) => m.createShell()),
  );
  const signer = createSigner(home);
  // Read when the engine is first used: a bad DOCKER_HOST does not stop `warden sessions`.
  // As the docker CLI chooses (contexts.ts), with Warden's docker.host setting in its place.
  const host = env.DOCKER_HOST || settings.get('docker.host');
  let endpoint: DockerEndpoint | undefined;
  const getEndpoint = () =>
    (endpoint ??= endpointOf(
      chooseEndpoint({
        ...(opts.context ? { flag: opts.context } : {}),
        env,
        ...(settings.get('docker.host') ? { setting: settings.get('docker.host') } : {}),
      }),
    ));
  /** The engine's port, loaded on its first call; `where` is resolved then too. */
  const enginePort = (where: () => DockerEndpoint) =>
    lazyPort<DockerPort>(
      async () => {
        const timeouts = engineTimeouts(env, (k) => settings.get(k));
        const m = await import('../adapters/docker/index.js');
        return m.createDockerAdapter(where(), timeouts);
      },
      // A remote engine's port has no /proc readers: said before loading, so checks skip them.
      () => {
        try {
          return engineIsLocal(where()) ? [] : LOCAL_ONLY_METHODS;
        } catch {
          return []; // an endpoint that cannot be read: the first call says why
        }
      },
    );
  let docker: DockerPort | undefined;
  const getDocker = () => (docker ??= enginePort(getEndpoint));
  let runners: ReturnType<typeof buildRunners> | undefined;
  const files = createEvidenceFiles();
  const readText = (path: string) => readFile(path, 'utf8');
  const sources = createBackupSources();
  const runnerDeps: RunnerDeps = {
    docker: getDocker,
    store,
    clock,
    home,
    shell,
    files,
    sources,
    readText,
  };
  const getRunners = () => (runners ??= buildRunners(runnerDeps));
  // Which engine the session's steps run against: asked once it answers (a failure is not kept,
  // so the next step asks again), recorded with every check and action.
  let engineRef: EngineRef | undefined;
  const getEngineRef = async (): Promise<EngineRef | undefined> => {
    if (engineRef) return engineRef;
    let e: DockerEndpoint;
    try {
      e = getEndpoint();
    } catch {
      return undefined;
    }
    const base: EngineRef = {
      endpoint: e.context ? e.display.replace(` (context ${e.context})`, '') : e.display,
      ...(e.context ? { context: e.context } : {}),
    };
    try {
      const i = await getDocker().info();
      engineRef = {
        ...base,
        ...(i.ID ? { id: i.ID } : {}),
        ...(i.Name ? { name: i.Name } : {}),
        ...(i.ServerVersion ? { version: i.ServerVersion } : {}),
      };
      return engineRef;
    } catch {
      return base;
    }
  };
  const app: App = {
    home,
    bundledRunbooks: bundledRunbooksDir(),
    userRunbooks: join(home, 'runbooks'),
    clock,
    settings,
    store,
    shell,
    signer,
    files: runbookFiles,
    readText,
    writeText: (path, text) => writeFile(path, text, { encoding: 'utf8', mode: 0o600 }),
    get dockerEndpoint() {
      // For display only: an endpoint that cannot be read shows as written (calls say why).
      try {
        return getEndpoint().display;
      } catch {
        return host ?? '';
      }
    },
    docker: getDocker,
    dockerFor(context) {
      // A context named wins over DOCKER_HOST (contexts.ts), as with the docker CLI.
      const e = endpointOf(chooseEndpoint({ flag: context, env }));
      return { endpoint: e.display, port: enginePort(() => e) };
    },
    forContext: (context) => composeApp(env, { ...opts, context }),
    contextNames: () => listContexts(dockerConfigDir(env)).map((c) => c.name),
    async dockerContexts() {
      const dir = dockerConfigDir(env);
      const current = currentContext(dir) ?? 'default';
      return Promise.all(
        listContexts(dir).map(async (c): Promise<ContextProbe> => {
          const base = { name: c.name, endpoint: c.host, current: c.name === current };
          try {
            const v = await app.dockerFor(c.name).port.version();
            return { ...base, version: v.version };
          } catch (err) {
            return { ...base, error: errorMessage(err) };
          }
        }),
      );
    },
    checks: () => getRunners().checks,
    actionDeps: () => actionDeps(runnerDeps),
    actions: () => getRunners().actions,
    sessionFiles: createSessionFiles(),
    knownKeys: (extra) => loadKnownKeys(home, extra),
    known: () => ({
      checks: new Set(getRunners().checks?.ids ?? []),
      actions: new Set(getRunners().actions?.actions.map((a) => a.id) ?? []),
    }),
    catalog: async () =>
      loadCatalog(
        runbookFiles,
        { bundled: bundledRunbooksDir(), user: join(home, 'runbooks') },
        // Only a file that has to be parsed needs the ids (and so the runners' modules).
        () => app.known(),
        await readRunbookIndex(),
      ),
    operator: () => settings.get('operator') || osUser(),
    sessionDeps: () => ({
      store,
      shell,
      signer,
      clock,
      checks: app.checks(),
      actions: app.actions(),
      targetSecrets: secretsOfTargets(runnerDeps),
      engine: getEngineRef,
      randomHex: (n) => randomBytes(n).toString('hex'),
      ...commandTimeout(settings.get('command.timeout')),
    }),
  };
  return app;
}

function commandTimeout(v: string | undefined): { defaultCommandTimeoutS?: number } {
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? { defaultCommandTimeoutS: n } : {};
}
