/**
 * The backups Warden took (the `backups` scope): for each container that holds data (a writable
 * volume or bind mount), its newest backup in this WARDEN_HOME, its age against the recovery
 * point objective, whether it is encrypted, and whether a restore test of that very backup
 * passed. Only journals whose hash chain verifies count: a backup is evidence, not a claim. Pure.
 */
import type { Severity } from '../runbook/types.js';
import { targetOf } from './catalog.js';
import type { ContainerModel } from './model.js';
import type { CheckVerdictDetail, Evaluation, Remediation } from './types.js';
import { evaluationOf } from './types.js';

export interface BackupFact {
  session: string;
  container: { id: string; name: string };
  /** Relative to the session: `backups/<name>-<time>`. */
  dir: string;
  createdAt: string;
  encrypted: boolean;
  manifestSha256: string;
}

export interface RestoreTestFact {
  session: string;
  manifestSha256: string;
  passed: boolean;
  at: string;
  summary: string;
}

/** What the sessions of this WARDEN_HOME recorded. */
export interface BackupHistory {
  backups: BackupFact[];
  restoreTests: RestoreTestFact[];
  /** Sessions whose journal does not verify: their backups are not counted. */
  unverified: string[];
}

export interface BackupCheckContext {
  now: Date;
  /** Recovery point objective: the newest backup must be at most this old. */
  rpoHours: number;
}

export const DEFAULT_RPO_HOURS = 24;

export interface BackupCheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  remediation: Remediation;
}

const verb = (command: string): Remediation => ({
  warden: command,
  compose: `# not a compose setting: ${command}`,
  run: command,
  live: true,
});

export const BACKUP_CHECKS: readonly BackupCheckDefinition[] = [
  {
    id: 'backup-recent',
    title: "The container's data has no backup within the recovery point objective",
    severity: 'medium',
    remediation: verb('warden backup <container> --encrypt --key-file <key>'),
  },
  {
    id: 'backup-encrypted',
    title: "The container's newest backup is not encrypted",
    severity: 'low',
    remediation: verb('warden backup <container> --encrypt --key-file <key>'),
  },
  {
    id: 'backup-restore-tested',
    title: "The container's newest backup has no passing restore test",
    severity: 'medium',
    remediation: verb('warden restore-test <container>'),
  },
];

/** Writable volumes and bind mounts (the docker socket aside): what a backup would hold. */
export function dataMounts(m: ContainerModel): string[] {
  return (m.mounts ?? [])
    .filter(
      (x) =>
        (x.type === 'volume' || x.type === 'bind') &&
        !x.readOnly &&
        !/docker\.sock$/.test(x.source ?? ''),
    )
    .map((x) => x.target);
}

const hours = (ms: number) => ms / 3_600_000;
const age = (h: number) =>
  h < 1
    ? `${Math.round(h * 60)} min`
    : h < 48
      ? `${Math.round(h)} h`
      : `${Math.round(h / 24)} days`;

/** The newest backup of `m`: by container id, else by name (a recreated container). */
export function newestBackup(m: ContainerModel, history: BackupHistory): BackupFact | undefined {
  const mine = history.backups.filter(
    (b) => (m.id && b.container.id === m.id) || b.container.name === m.name,
  );
  return mine.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
}

export function evaluateBackups(
  models: readonly ContainerModel[],
  history: BackupHistory,
  ctx: BackupCheckContext,
  ids?: readonly string[],
): Evaluation[] {
  const checks = ids ? BACKUP_CHECKS.filter((c) => ids.includes(c.id)) : BACKUP_CHECKS;
  const out: Evaluation[] = [];
  for (const m of models) {
    const mounts = dataMounts(m);
    const newest = newestBackup(m, history);
    for (const c of checks) {
      const d = judge(c.id, m, mounts, newest, history, ctx);
      // The fix names this container.
      const fix = verb((c.remediation.warden ?? '').replace('<container>', m.name));
      out.push(evaluationOf(c, targetOf(m), { ...d, remediation: fix }));
    }
  }
  return out;
}

function judge(
  id: string,
  m: ContainerModel,
  mounts: string[],
  newest: BackupFact | undefined,
  history: BackupHistory,
  ctx: BackupCheckContext,
): CheckVerdictDetail {
  if (mounts.length === 0)
    return {
      verdict: 'not-applicable',
      reason: 'no writable volume or bind mount: no data to back up',
    };
  const when = newest ? `${newest.createdAt} (session ${newest.session})` : '';
  if (id === 'backup-recent') {
    if (!newest)
      return {
        verdict: 'fail',
        evidence: `no backup by Warden of ${mounts.join(', ')}${history.unverified.length ? ` (${history.unverified.length} session(s) whose journal fails verification not counted)` : ''}`,
      };
    const h = hours(ctx.now.getTime() - Date.parse(newest.createdAt));
    return h <= ctx.rpoHours
      ? {
          verdict: 'pass',
          evidence: `newest backup ${when}, ${age(h)} old (RPO ${ctx.rpoHours} h)`,
        }
      : {
          verdict: 'fail',
          evidence: `newest backup ${when} is ${age(h)} old: more than the RPO of ${ctx.rpoHours} h`,
        };
  }
  if (!newest)
    return { verdict: 'not-applicable', reason: 'no backup by Warden yet (backup-recent)' };
  if (id === 'backup-encrypted')
    return newest.encrypted
      ? { verdict: 'pass', evidence: `newest backup ${when} is encrypted (AES-256-GCM)` }
      : { verdict: 'fail', evidence: `newest backup ${when} is not encrypted` };
  const tests = history.restoreTests
    .filter((t) => t.manifestSha256 === newest.manifestSha256)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const passed = tests.find((t) => t.passed);
  if (passed)
    return {
      verdict: 'pass',
      evidence: `restore test of the newest backup passed at ${passed.at} (session ${passed.session})`,
    };
  const last = tests[0];
  return {
    verdict: 'fail',
    evidence: last
      ? `the restore test of the newest backup ${when} failed at ${last.at}: ${last.summary}`
      : `the newest backup ${when} was never restore-tested`,
  };
}
