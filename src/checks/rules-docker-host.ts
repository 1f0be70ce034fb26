/**
 * The engine's machine (CIS Docker Benchmark v1.6 section 1): who reaches the daemon through its
 * socket's group (1.1.2), and whether audit rules watch the daemon's binaries, files and
 * directories (1.1.3–1.1.18). Pure: the adapter reads the account databases and the audit rules;
 * the paths come from the daemon's effective configuration, and only those that exist are judged.
 */
import type { AuditRuleSource, HostAccounts } from '../engine/docker-read-port.js';
import type { Severity } from '../runbook/types.js';
import type { DaemonSettings } from './daemon-config.js';
import { SYSTEMD_UNITS, containerdSockets } from './rules-daemon-files.js';
import { hostFix } from './remediation.js';
import type { CheckVerdictDetail, Evaluation, FindingTarget, Remediation } from './types.js';
import { evaluationOf } from './types.js';

export interface HostFacts {
  /** Why the host could not be read (a remote engine, no daemon process visible). */
  reason?: string;
  accounts?: HostAccounts;
  audit?: AuditRuleSource;
  /** The paths CIS asks to audit that exist on this machine (links resolved), with the section. */
  auditPaths?: { path: string; cis: string }[];
  /** Where each rule path's watch lands (its directory's links resolved), when it differs. */
  watchPaths?: Record<string, string>;
  /** The group owning the daemon's socket: its members reach the daemon (default `docker`). */
  socketGroup?: string;
}

/** A path of the daemon's, and the CIS section that asks for an audit rule on it. */
export interface AuditCandidate {
  path: string;
  cis: string;
}

const BIN_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];
const BINARIES: [string, string][] = [
  ['containerd', '1.1.14'],
  ['containerd-shim', '1.1.15'],
  ['containerd-shim-runc-v1', '1.1.16'],
  ['containerd-shim-runc-v2', '1.1.17'],
  ['runc', '1.1.18'],
];

/** Every path CIS 1.1.3–1.1.18 names, for a daemon with these settings (the caller keeps those that exist). */
export function auditCandidates(
  s: Pick<DaemonSettings, 'configFile' | 'containerd' | 'execRoot'>,
  dataRoot: string | undefined,
  exe: string | undefined,
): AuditCandidate[] {
  return [
    ...(exe ? [exe] : BIN_DIRS.map((d) => `${d}/dockerd`)).map((path) => ({ path, cis: '1.1.3' })),
    { path: '/run/containerd', cis: '1.1.4' },
    { path: dataRoot ?? '/var/lib/docker', cis: '1.1.5' },
    { path: '/etc/docker', cis: '1.1.6' },
    ...SYSTEMD_UNITS.map((path) => ({ path, cis: path.endsWith('.service') ? '1.1.7' : '1.1.9' })),
    ...containerdSockets(s).map((path) => ({ path, cis: '1.1.8' })),
    { path: '/etc/default/docker', cis: '1.1.10' },
    { path: s.configFile ?? '/etc/docker/daemon.json', cis: '1.1.11' },
    { path: '/etc/containerd/config.toml', cis: '1.1.12' },
    { path: '/etc/sysconfig/docker', cis: '1.1.13' },
    ...BINARIES.flatMap(([name, cis]) => BIN_DIRS.map((d) => ({ path: `${d}/${name}`, cis }))),
  ];
}

/** A path an audit rule watches; `tree`: the directory and everything below it. */
export interface AuditWatch {
  path: string;
  tree: boolean;
}

/**
 * What a set of audit rules watches. `-w <path>` watches a file, or a directory and all below
 * it; a syscall rule watches `-F path=` exactly and `-F dir=` with all below it. `never` rules
 * watch nothing. Rules in `auditctl -l` form and in rules-file form read the same.
 */
export function auditWatchList(text: string): AuditWatch[] {
  const out: AuditWatch[] = [];
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    const action = words.findIndex((w) => w === '-a' || w === '-A');
    if (action >= 0 && /never/.test(words[action + 1] ?? '')) continue;
    words.forEach((w, i) => {
      const next = words[i + 1];
      if (!next) return;
      if (w === '-w') out.push({ path: next, tree: true });
      if (w === '-F' && next.startsWith('path=')) out.push({ path: next.slice(5), tree: false });
      if (w === '-F' && next.startsWith('dir=')) out.push({ path: next.slice(4), tree: true });
    });
  }
  return out.map((x) => ({ ...x, path: x.path.length > 1 ? x.path.replace(/\/+$/, '') : x.path }));
}

/**
 * Whether `path` (resolved: the file itself, not a link to it) is watched. `resolve` gives where
 * the kernel puts a rule's watch: its directory with links resolved, its last name as written.
 */
export function isWatched(
  watches: readonly AuditWatch[],
  path: string,
  resolve: (rulePath: string) => string = (p) => p,
): boolean {
  return watches.some((w) => {
    const at = resolve(w.path);
    return path === at || (w.tree && path.startsWith(at === '/' ? '/' : `${at}/`));
  });
}

export interface GroupMember {
  user: string;
  /** `listed`: named in /etc/group; `primary`: the group is the account's primary group. */
  how: 'listed' | 'primary';
}

/** Members of `group` (root aside: it is root already); undefined when there is no such group. */
export function groupMembers(accounts: HostAccounts, group: string): GroupMember[] | undefined {
  const line = (accounts.group ?? '')
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f[0] === group && f.length >= 3);
  if (!line) return undefined;
  const gid = line[2];
  const listed = (line[3] ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const primary = (accounts.passwd ?? '')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && f[3] === gid && f[0])
    .map((f) => f[0] as string);
  const out: GroupMember[] = [
    ...listed.map((user) => ({ user, how: 'listed' as const })),
    ...primary
      .filter((u) => !listed.includes(u))
      .map((user) => ({ user, how: 'primary' as const })),
  ];
  return out.filter((m) => m.user !== 'root');
}

export interface HostCheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  cis: string;
  remediation: Remediation & { host: string };
}

export const HOST_CHECKS: readonly HostCheckDefinition[] = [
  {
    id: 'host-docker-group',
    title: "An account can reach the daemon through its socket's group (root-equivalent)",
    severity: 'medium',
    cis: '1.1.2',
    remediation: hostFix('gpasswd -d <user> docker'),
  },
  {
    id: 'host-audit-rules',
    title: "No audit rule records changes to the daemon's files and binaries",
    severity: 'low',
    cis: '1.1.3',
    remediation: hostFix(
      'in /etc/audit/rules.d/docker.rules: -w <path> -k docker (one line per path), then augenrules --load',
    ),
  },
];

interface Verdict {
  detail: CheckVerdictDetail;
  /** A finding about one account rather than the engine's machine. */
  user?: string;
}

function dockerGroup(h: HostFacts): Verdict[] {
  if (!h.accounts)
    return [
      {
        detail: {
          verdict: 'not-applicable',
          reason: h.reason ?? 'the host is not readable from here',
        },
      },
    ];
  const group = h.socketGroup ?? 'docker';
  const members = groupMembers(h.accounts, group);
  if (members === undefined)
    return [
      { detail: { verdict: 'pass', evidence: `no ${group} group: only root reaches the socket` } },
    ];
  if (members.length === 0)
    return [{ detail: { verdict: 'pass', evidence: `the ${group} group has no members` } }];
  return members.map((m) => ({
    user: m.user,
    detail: {
      verdict: 'fail',
      evidence: `${m.user} is in the ${group} group${m.how === 'primary' ? ' (its primary group)' : ''}: the socket gives it root on this host`,
      remediation: hostFix(
        m.how === 'primary'
          ? `usermod -g <another group> ${m.user}`
          : `gpasswd -d ${m.user} ${group}`,
      ),
    },
  }));
}

function auditRules(h: HostFacts): Verdict[] {
  if (!h.audit || !h.auditPaths)
    return [
      {
        detail: {
          verdict: 'not-applicable',
          reason: h.reason ?? 'the host is not readable from here',
        },
      },
    ];
  const paths = h.auditPaths;
  if (paths.length === 0)
    return [
      { detail: { verdict: 'not-applicable', reason: "none of the daemon's files is here" } },
    ];
  const watches = h.audit.source === 'none' ? [] : auditWatchList(h.audit.text);
  const resolve = (p: string) => h.watchPaths?.[p] ?? p;
  // In CIS order (1.1.3 … 1.1.18), whatever order the paths were found in.
  const order = (cis: string) => Number(cis.split('.').at(-1));
  const missing = paths
    .filter((p) => !isWatched(watches, p.path, resolve))
    .sort((a, b) => order(a.cis) - order(b.cis));
  const from =
    h.audit.source === 'auditctl'
      ? 'auditctl -l'
      : h.audit.source === 'files'
        ? h.audit.files.join(', ')
        : h.audit.reason;
  if (missing.length === 0)
    return [{ detail: { verdict: 'pass', evidence: `${paths.length} paths watched (${from})` } }];
  const rules = missing.map((p) => `-w ${p.path} -k docker`);
  return [
    {
      detail: {
        verdict: 'fail',
        evidence: `not watched (${from}): ${missing.map((p) => `${p.path} (${p.cis})`).join(', ')}`,
        remediation: hostFix(
          `append to /etc/audit/rules.d/docker.rules, then run augenrules --load:\n${rules.join('\n')}`,
        ),
      },
    },
  ];
}

const EVALUATE: Record<string, (h: HostFacts) => Verdict[]> = {
  'host-docker-group': dockerGroup,
  'host-audit-rules': auditRules,
};

export function evaluateHost(
  h: HostFacts,
  engine: FindingTarget,
  ids?: readonly string[],
): Evaluation[] {
  const checks = ids ? HOST_CHECKS.filter((c) => ids.includes(c.id)) : HOST_CHECKS;
  return checks.flatMap((c) =>
    (EVALUATE[c.id]?.(h) ?? []).map(({ detail: d, user }) =>
      evaluationOf(c, user ? { kind: 'user', name: user } : engine, d),
    ),
  );
}
