/** Small pure helpers shared by the check rules. */
import type { ContainerModel, Located, MountModel } from './model.js';
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

/**
 * The host path a mount exposes: a bind's source, or the directory a named volume's driver
 * options bind (`driver_opts: {type: none, o: bind, device: /etc}`).
 */
export function hostPathOf(m: MountModel): string | undefined {
  if (m.type === 'bind') return m.source;
  if (m.type === 'volume') return m.device;
  return undefined;
}

/**
 * Directories that hold the engine's socket: mounting one exposes the socket as surely as
 * mounting the socket itself. `/var` is left out: its `run` is a symlink to `/run`, which resolves
 * inside the container.
 */
const SOCKET_DIRS = [
  '/',
  '/run',
  '/var/run',
  '/run/docker',
  '/var/run/docker',
  '/run/containerd',
  '/var/run/containerd',
];

export function isDockerSocket(m: MountModel): boolean {
  const source = hostPathOf(m);
  if (!source) return false;
  const p = cleanPath(source);
  return (
    DOCKER_SOCKETS.some((s) => p === s) || /\/docker\.sock$/.test(p) || SOCKET_DIRS.includes(p)
  );
}

/** True when the mount is a directory holding the socket rather than the socket itself. */
export function isSocketDir(m: MountModel): boolean {
  const source = hostPathOf(m);
  return source !== undefined && SOCKET_DIRS.includes(cleanPath(source));
}

/** The clock's files: mounting them read-only is harmless and very common. */
const CLOCK_FILES = ['/etc/localtime', '/etc/timezone'];

function isReadOnlyClock(p: string, m: MountModel): boolean {
  return m.readOnly && (CLOCK_FILES.includes(p) || isUnder(p, '/usr/share/zoneinfo'));
}

export function isSensitiveBind(m: MountModel): boolean {
  const source = hostPathOf(m);
  if (!source) return false;
  const p = cleanPath(source);
  // The root holds the socket and every host file: both docker-socket and sensitive-mount.
  if (p !== '/' && isDockerSocket(m)) return false;
  if (isReadOnlyClock(p, m)) return false;
  if (p === '/') return true;
  if (p === '~' || p.startsWith('~/')) return true; // a home directory
  return SENSITIVE_PATHS.some((root) => isUnder(p, root));
}

export function bindLabel(m: MountModel): string {
  const source = hostPathOf(m);
  const from =
    m.type === 'volume' && m.device ? `${m.source ?? '?'} (device ${m.device})` : (source ?? '?');
  return `${from}:${m.target}${m.readOnly ? ':ro' : ''}`;
}

/**
 * Where a finding points: the first of the given items (settings in the audited file first), or
 * the key's own location. Spread into a verdict: `{ verdict: 'fail', ...locOf(m, 'ports', hits) }`.
 */
export function locOf(
  model: ContainerModel,
  key: string,
  items: readonly (Located | undefined)[] = [],
): Located {
  const withLine = items.filter(
    (i): i is Located & { line: number } => typeof i?.line === 'number',
  );
  if (withLine.length) {
    const here = withLine.filter((i) => i.file === undefined);
    const pool = here.length ? here : withLine;
    const best = pool.reduce((a, b) => (b.line < a.line ? b : a));
    return best.file !== undefined ? { line: best.line, file: best.file } : { line: best.line };
  }
  const line = model.lines?.[key];
  if (line === undefined) return {};
  const file = model.lineFiles?.[key];
  return file !== undefined ? { line, file } : { line };
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
