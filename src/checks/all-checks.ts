/**
 * Every check the audit knows, with the scope that runs it: what SARIF lists as rules, what a
 * runbook step may name, what `--check`-style filters accept. Pure.
 */
import type { Severity } from '../runbook/types.js';
import { CHECKS, DRIFT_CHECK, STACK_CHECKS } from './catalog.js';
import { DAEMON_CHECKS } from './rules-daemon.js';
import { HOST_CHECKS } from './rules-docker-host.js';
import { IMAGE_CHECKS } from './rules-images.js';
import { NETWORK_CHECKS } from './rules-networks.js';
import { BACKUP_CHECKS } from './rules-backups.js';
import { SWARM_CHECKS } from './rules-swarm.js';
import type { Remediation } from './types.js';

/** `containers` also covers compose files: the same checks read both. */
export type CheckScope =
  'containers' | 'networks' | 'backups' | 'daemon' | 'host' | 'swarm' | 'images';

export interface CheckInfo {
  id: string;
  title: string;
  severity: Severity;
  cis?: string;
  remediation: Remediation;
  scope: CheckScope;
}

const info =
  (scope: CheckScope) =>
  (c: Omit<CheckInfo, 'scope'>): CheckInfo => ({
    id: c.id,
    title: c.title,
    severity: c.severity,
    ...(c.cis ? { cis: c.cis } : {}),
    remediation: c.remediation,
    scope,
  });

export const ALL_CHECKS: readonly CheckInfo[] = [
  ...[...CHECKS, ...STACK_CHECKS, DRIFT_CHECK].map(info('containers')),
  ...NETWORK_CHECKS.map(info('networks')),
  ...BACKUP_CHECKS.map(info('backups')),
  ...DAEMON_CHECKS.map(info('daemon')),
  ...HOST_CHECKS.map(info('host')),
  ...SWARM_CHECKS.map(info('swarm')),
  ...IMAGE_CHECKS.map(info('images')),
];

const SCOPE = new Map(ALL_CHECKS.map((c) => [c.id, c.scope]));

export function checkScope(id: string): CheckScope | undefined {
  return SCOPE.get(id);
}
