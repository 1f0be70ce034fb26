/** Small pure helpers shared by the check rules. */
import type { ContainerModel, MountModel } from './model.js';
import type { CheckVerdictDetail } from './types.js';

export const pass = (evidence?: string): CheckVerdictDetail =>
  evidence ? { verdict: 'pass', evidence } : { verdict: 'pass' };

export const notApplicable = (reason: string): CheckVerdictDetail => ({
  verdict: 'not-applicable',
  reason,
});

/** `CAP_SYS_ADMIN`, `sys_admin` → `SYS_ADMIN`. */
export function normalizeCap(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, '');
}

/** Parses `--security-opt`/`security_opt` entries (`key=value` or `key:value`). */
export function securityOpts(model: ContainerModel): { key: string; value: string }[] {
  return (model.securityOpt ?? []).map((o) => {
    const m = /^([^=:]+)[=:]?(.*)$/.exec(o.trim());
    return { key: (m?.[1] ?? o).toLowerCase(), value: (m?.[2] ?? '').trim() };
  });
}

export const DOCKER_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/docker',
  '/run/docker',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
];

/** Host paths whose mount exposes the host (CIS 5.6). `/` is matched exactly. */
export const SENSITIVE_PATHS = [
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib64',
  '/proc',
  '/sys',
  '/usr',
  '/run',
  '/var/run',
  '/root',
  '/home',
  '/var/lib/docker',
  '/bin',
  '/sbin',
];

export function cleanPath(p: string): string {
  const collapsed = p.replace(/\/+/g, '/').replace(/\/\.(?=\/|$)/g, '');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

export function isUnder(path: string, root: string): boolean {
  const p = cleanPath(path);
  return p === root || p.startsWith(root + '/');
}

export function isDockerSocket(m: MountModel): boolean {
  if (m.type !== 'bind' || !m.source) return false;
  const p = cleanPath(m.source);
  return DOCKER_SOCKETS.some((s) => p === s) || /\/docker\.sock$/.test(p);
}

export function isSensitiveBind(m: MountModel): boolean {
  if (m.type !== 'bind' || !m.source || isDockerSocket(m)) return false;
  const p = cleanPath(m.source);
  if (p === '/') return true;
  if (p === '~' || p.startsWith('~/')) return true; // a home directory
  return SENSITIVE_PATHS.some((root) => isUnder(p, root));
}

export function bindLabel(m: MountModel): string {
  return `${m.source ?? '?'}:${m.target}${m.readOnly ? ':ro' : ''}`;
}

/** Lowest line among the given ones, or the key's line, for compose locations. */
export function lineOf(model: ContainerModel, key: string, items: (number | undefined)[] = []) {
  const lines = items.filter((l): l is number => typeof l === 'number');
  if (lines.length) return Math.min(...lines);
  return model.lines?.[key];
}

export function namespaceIsHost(mode: string | undefined): boolean {
  return (mode ?? '').trim().toLowerCase() === 'host';
}
