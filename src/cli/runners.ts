/**
 * The check and action runners (and what they run against), built from the real ports by the
 * composition root; also how a restore finds what the journal that took a backup recorded.
 */
import { resolve, sep } from 'node:path';
import { reduce } from '../engine/reducer.js';
import { verifyChain } from '../journal/chain.js';
import type { ActionDeps, JournaledBackup } from '../actions/common.js';
import { targetSecrets } from '../actions/target-secrets.js';
import type { KnownSecret } from '../engine/masking.js';
import type { EvidenceFiles } from '../actions/files-port.js';
import type { BackupSources } from '../actions/backup-sources.js';
import { createCheckRunner } from '../checks/runner.js';
import { createActionRunner } from '../actions/runner.js';
import { readBackupHistory } from './backup-history.js';
import type { ActionRunner, CheckRunner } from '../engine/executors.js';
import type { Clock, DockerPort, SessionStorePort, ShellPort } from '../engine/ports.js';

export interface RunnerDeps {
  docker: () => DockerPort;
  store: SessionStorePort;
  clock: Clock;
  home: string;
  /** For the scan-image action (trivy); without it that action gives guidance only. */
  shell?: ShellPort;
  /** Streams evidence and backup files to disk with their SHA-256. */
  files: EvidenceFiles;
  /** Reads backups for restore (real paths, regular files, one private copy per archive). */
  sources: BackupSources;
  readText(path: string): Promise<string>;
}

/** What actions (and the resume re-check of interrupted ones) run against. */
export function actionDeps(deps: RunnerDeps): ActionDeps {
  return {
    docker: deps.docker,
    sessionDir: (id) => deps.store.sessionDir(id),
    clock: deps.clock,
    files: deps.files,
    sources: deps.sources,
    home: deps.home,
    ...(deps.shell ? { shell: deps.shell } : {}),
    backupRecord: (manifestPath) => journaledBackup(deps, manifestPath),
  };
}

/** The session's masker learns its targets' secret values through this (memory only). */
export function secretsOfTargets(
  deps: RunnerDeps,
): (containers: readonly string[]) => Promise<Map<string, KnownSecret[]>> {
  return (containers) => targetSecrets(deps.docker(), containers);
}

export function buildRunners(deps: RunnerDeps): { checks?: CheckRunner; actions?: ActionRunner } {
  return {
    checks: createCheckRunner({
      docker: deps.docker(),
      readFile: deps.readText,
      env: process.env,
      backups: () => readBackupHistory(deps.store),
    }),
    actions: createActionRunner(actionDeps(deps)),
  };
}

/** Finds what the journal of the session that took a backup recorded for its manifest. */
async function journaledBackup(
  deps: RunnerDeps,
  manifestPath: string,
): Promise<JournaledBackup | undefined> {
  // Both by real path: a restore asks with the manifest's real path, and WARDEN_HOME may itself
  // lie under a symlink.
  const home = (await deps.sources.realPath(resolve(deps.home))) ?? resolve(deps.home);
  const sessions = resolve(home, 'sessions') + sep;
  const path = resolve(manifestPath);
  if (!path.startsWith(sessions)) return undefined;
  const [sessionId, backups, name, file] = path.slice(sessions.length).split(sep);
  if (!sessionId || backups !== 'backups' || !name || file !== 'manifest.json') return undefined;
  let read;
  try {
    read = await deps.store.read(sessionId);
  } catch {
    return { sessionId, chainOk: false };
  }
  const chainOk = verifyChain(read.lines).ok;
  const entries = read.lines.flatMap((l) => ('entry' in l ? [l.entry] : []));
  const record = chainOk
    ? reduce(entries).backups?.find((b) => b.dir === `backups/${name}`)
    : undefined;
  return { sessionId, chainOk, manifestSha256: record?.manifestSha256, seq: record?.seq };
}
