/**
 * The daemon's files (CIS Docker Benchmark v1.6 section 3): ownership and modes of its sockets,
 * its daemon.json and /etc/docker, its systemd units, its TLS material and containerd's socket.
 * Pure: the files are found from the daemon's effective configuration (daemonFilePaths) and
 * stat'ed by the adapter; a file that does not exist is not a finding.
 */
import type { FileStat } from '../engine/docker-read-port.js';
import type { DaemonSettings } from './daemon-config.js';
import type { CheckVerdictDetail } from './types.js';
import { hostFix } from './remediation.js';
import type { DaemonCheckDefinition, DaemonFacts } from './rules-daemon.js';

export type DaemonFileRole =
  'socket' | 'containerd-socket' | 'config' | 'config-dir' | 'unit' | 'tls-cert' | 'tls-key';

export interface DaemonFile {
  role: DaemonFileRole;
  path: string;
  /** Undefined: the file does not exist. */
  stat?: FileStat;
}

/** Where systemd keeps docker's units (packages, then local overrides). */
export const SYSTEMD_UNITS = [
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/etc/systemd/system',
].flatMap((d) => [`${d}/docker.service`, `${d}/docker.socket`]);

/**
 * The containerd sockets a daemon may use: `--containerd`, else the one dockerd starts under its
 * exec root; and /run/containerd's (a system containerd, found by the default address).
 */
export function containerdSockets(s: Pick<DaemonSettings, 'containerd' | 'execRoot'>): string[] {
  const own =
    s.containerd?.replace(/^unix:\/\//, '') ??
    `${(s.execRoot ?? '/var/run/docker').replace(/\/+$/, '')}/containerd/containerd.sock`;
  return [...new Set([own, '/run/containerd/containerd.sock'])];
}

/** The files to look at for a daemon with these settings. */
export function daemonFilePaths(s: DaemonSettings): { role: DaemonFileRole; path: string }[] {
  const sockets = s.hosts
    .filter((h) => h.startsWith('unix://'))
    .map((h) => h.slice('unix://'.length));
  // No host, or fd:// (systemd socket activation through docker.socket): the default socket.
  if (sockets.length === 0 || s.hosts.some((h) => h.startsWith('fd://')))
    sockets.push('/var/run/docker.sock');
  const tls = [
    ...(s.tlsFiles.ca ? [{ role: 'tls-cert' as const, path: s.tlsFiles.ca }] : []),
    ...(s.tlsFiles.cert ? [{ role: 'tls-cert' as const, path: s.tlsFiles.cert }] : []),
    ...(s.tlsFiles.key ? [{ role: 'tls-key' as const, path: s.tlsFiles.key }] : []),
  ];
  return [
    ...[...new Set(sockets)].map((path) => ({ role: 'socket' as const, path })),
    ...containerdSockets(s).map((path) => ({ role: 'containerd-socket' as const, path })),
    { role: 'config', path: s.configFile ?? '/etc/docker/daemon.json' },
    { role: 'config-dir', path: '/etc/docker' },
    // Options the init scripts pass to dockerd (Debian's and Red Hat's): CIS 3.19–3.22.
    { role: 'config', path: '/etc/default/docker' },
    { role: 'config', path: '/etc/sysconfig/docker' },
    ...SYSTEMD_UNITS.map((path) => ({ role: 'unit' as const, path })),
    ...tls,
  ];
}

const octal = (m: number) => m.toString(8).padStart(3, '0');
const describe = (f: DaemonFile & { stat: FileStat }) =>
  `${f.path} ${f.stat.uid === 0 ? 'root' : `uid ${f.stat.uid}`}:${f.stat.group ?? `gid ${f.stat.gid}`} ${octal(f.stat.mode)}`;

interface Rule {
  /**
   * The files judged, by role, and the mode bits each must have off: everything beyond the CIS
   * mode (660 for sockets, 644 for daemon.json and the units, 755 for /etc/docker, 444 and 400
   * for TLS certificates and keys), setuid, setgid and sticky included.
   */
  forbidden: Partial<Record<DaemonFileRole, number>>;
  /** Groups allowed besides root (gid 0). */
  groups?: string[];
}

function judge(f: DaemonFacts, rule: Rule): CheckVerdictDetail {
  if (!f.files)
    return {
      verdict: 'not-applicable',
      reason: f.settingsReason ?? "the daemon's files are not readable from here",
    };
  const present = f.files.filter(
    (x): x is DaemonFile & { stat: FileStat } => x.role in rule.forbidden && !!x.stat,
  );
  if (present.length === 0) return { verdict: 'not-applicable', reason: 'no such file here' };
  const bad = present.filter(
    (x) =>
      x.stat.uid !== 0 ||
      (x.stat.gid !== 0 && !(rule.groups ?? []).includes(x.stat.group ?? '')) ||
      (x.stat.mode & (rule.forbidden[x.role] ?? 0)) !== 0,
  );
  if (bad.length === 0) return { verdict: 'pass', evidence: present.map(describe).join('; ') };
  // The exact fix: root owns each file, an allowed group keeps it, the forbidden bits go.
  const fixes = bad.map((x) => {
    const allowed = x.stat.gid === 0 || (rule.groups ?? []).includes(x.stat.group ?? '');
    const group = allowed ? (x.stat.group ?? 'root') : (rule.groups?.[0] ?? 'root');
    const mode = octal(x.stat.mode & ~(rule.forbidden[x.role] ?? 0));
    return `chown root:${group} ${x.path} && chmod ${mode} ${x.path}`;
  });
  return {
    verdict: 'fail',
    evidence: bad.map(describe).join('; '),
    remediation: { host: fixes.join(' && '), run: fixes.join(' && ') },
  };
}

/** The mount holding `path` in a /proc/<pid>/mountinfo: its mount point and device (`major:minor`). */
export function mountOf(
  path: string,
  mountinfo: string,
): { mountPoint: string; device: string } | undefined {
  let best: { mountPoint: string; device: string } | undefined;
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    const device = f[2];
    // Mount points escape spaces as \040.
    const mountPoint = f[4]?.replace(/\\040/g, ' ');
    if (!device || !mountPoint) continue;
    const inside = mountPoint === '/' || path === mountPoint || path.startsWith(`${mountPoint}/`);
    // Later lines mount over earlier ones at the same point.
    if (inside && (!best || mountPoint.length >= best.mountPoint.length))
      best = { mountPoint, device };
  }
  return best;
}

export const DAEMON_FILE_CHECKS: readonly DaemonCheckDefinition[] = [
  {
    id: 'daemon-data-root-partition',
    title: "The daemon's data root shares the root filesystem's device",
    severity: 'low',
    cis: '1.1.1',
    remediation: hostFix(
      'mount a dedicated filesystem on the data root (e.g. /var/lib/docker) in /etc/fstab, then restart the daemon',
    ),
    evaluate: (f) => {
      const root = f.info.DockerRootDir;
      if (!f.mountinfo || !root)
        return {
          verdict: 'not-applicable',
          reason: f.settingsReason ?? "the daemon's mounts are not readable from here",
        };
      const data = mountOf(root, f.mountinfo);
      const slash = mountOf('/', f.mountinfo);
      if (!data || !slash) return { verdict: 'not-applicable', reason: 'mounts not understood' };
      // dockerd bind-mounts its data root onto itself: a mount point, but the same device as /.
      return data.device !== slash.device
        ? { verdict: 'pass', evidence: `${root} on device ${data.device} (/ on ${slash.device})` }
        : {
            verdict: 'fail',
            evidence: `${root} on device ${data.device}, the device of /: images and logs can fill the root filesystem`,
          };
    },
  },
  {
    id: 'daemon-socket-permissions',
    title: "The daemon's socket is open beyond root and the docker group",
    severity: 'critical',
    cis: '3.15',
    remediation: hostFix(
      'chown root:docker /var/run/docker.sock && chmod 660 /var/run/docker.sock',
    ),
    evaluate: (f) => judge(f, { forbidden: { socket: ~0o660 & 0o7777 }, groups: ['docker'] }),
  },
  {
    id: 'daemon-containerd-socket-permissions',
    title: "containerd's socket is open beyond root",
    severity: 'high',
    cis: '3.23',
    remediation: hostFix(
      'chown root:root /run/containerd/containerd.sock && chmod 660 /run/containerd/containerd.sock',
    ),
    evaluate: (f) => judge(f, { forbidden: { 'containerd-socket': ~0o660 & 0o7777 } }),
  },
  {
    id: 'daemon-config-permissions',
    title:
      "The daemon's configuration (daemon.json, /etc/docker, its init options) is writable by others than root",
    severity: 'high',
    cis: '3.17',
    remediation: hostFix(
      'chown root:root /etc/docker /etc/docker/daemon.json && chmod 755 /etc/docker && chmod 644 /etc/docker/daemon.json',
    ),
    evaluate: (f) =>
      judge(f, {
        forbidden: { config: ~0o644 & 0o7777, 'config-dir': ~0o755 & 0o7777 },
      }),
  },
  {
    id: 'daemon-unit-permissions',
    title: 'docker.service or docker.socket is writable by others than root',
    severity: 'high',
    cis: '3.1',
    remediation: hostFix(
      'chown root:root <unit> && chmod 644 <unit> (systemctl show -p FragmentPath docker.service)',
    ),
    evaluate: (f) => judge(f, { forbidden: { unit: ~0o644 & 0o7777 } }),
  },
  {
    id: 'daemon-tls-permissions',
    title: "The daemon's TLS certificates or key are readable or writable beyond root",
    severity: 'high',
    cis: '3.9',
    remediation: hostFix(
      'chown root:root ca.pem server.pem server-key.pem && chmod 444 ca.pem server.pem && chmod 400 server-key.pem',
    ),
    evaluate: (f) =>
      judge(f, {
        forbidden: { 'tls-cert': ~0o444 & 0o7777, 'tls-key': ~0o400 & 0o7777 },
      }),
  },
];
