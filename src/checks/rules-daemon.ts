/**
 * Daemon configuration checks (CIS Docker Benchmark v1.6 section 2), over what the engine reports
 * (`info`, the default bridge network) and, when the engine runs on this machine, its effective
 * configuration (command line merged with daemon.json, daemon-config.ts). Pure.
 *
 * A check that needs the configuration and cannot have it (a remote engine, no access to its
 * process) is not applicable with that reason: never a pass by default.
 */
import type { EngineInfo } from '../engine/docker-read-port.js';
import type { Severity } from '../runbook/types.js';
import type { DaemonSettings } from './daemon-config.js';
import { DAEMON_FILE_CHECKS, type DaemonFile } from './rules-daemon-files.js';
import { SHIPPING_DRIVERS } from './rules-runtime.js';
import type { CheckVerdictDetail, Evaluation, FindingTarget, Remediation } from './types.js';
import { evaluationOf } from './types.js';

export interface DaemonFacts {
  info: EngineInfo;
  /** Options of the engine's default `bridge` network; null when it has none (`--bridge none`). */
  bridgeOptions?: Record<string, string> | null;
  settings?: DaemonSettings;
  /** Why `settings` is missing: remote engine, no access, unreadable daemon.json. */
  settingsReason?: string;
  /** The daemon's files and their owners and modes (rules-daemon-files.ts); local engines only. */
  files?: DaemonFile[];
  /** The daemon's /proc/<pid>/mountinfo; local engines only. */
  mountinfo?: string;
}

export interface DaemonCheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  /** CIS Docker Benchmark v1.6 section; none where no item asks exactly this (log rotation). */
  cis?: string;
  /** A daemon.json key, or for the daemon's files a command run on the host. */
  remediation: Remediation & ({ daemon: string } | { host: string });
  evaluate(f: DaemonFacts): CheckVerdictDetail;
}

const fix = (daemon: string, run: string): Remediation & { daemon: string } => ({
  daemon,
  compose: `# not a compose setting: in /etc/docker/daemon.json\n# ${daemon}\n# then restart the daemon`,
  run,
  live: false,
});
const pass = (evidence: string): CheckVerdictDetail => ({ verdict: 'pass', evidence });
const fail = (evidence: string): CheckVerdictDetail => ({ verdict: 'fail', evidence });
const na = (reason: string): CheckVerdictDetail => ({ verdict: 'not-applicable', reason });

/** Runs `evaluate` with the configuration, or says why it cannot be read. */
const withSettings =
  (evaluate: (s: DaemonSettings, f: DaemonFacts) => CheckVerdictDetail) =>
  (f: DaemonFacts): CheckVerdictDetail =>
    f.settings
      ? evaluate(f.settings, f)
      : na(f.settingsReason ?? "the daemon's configuration is not readable from here");

/** Registries that are insecure by the engine's default (loopback) are not findings. */
const DEFAULT_INSECURE = new Set(['127.0.0.0/8', '::1/128']);

const securityOption = (info: EngineInfo, name: string) =>
  (info.SecurityOptions ?? []).find((o) => o.split(',').includes(`name=${name}`));

const CONFIG_CHECKS: readonly DaemonCheckDefinition[] = [
  {
    id: 'daemon-tcp-without-tls',
    title: 'Daemon listens on TCP without TLS client verification',
    severity: 'critical',
    cis: '2.7',
    remediation: fix(
      '"tlsverify": true, "tlscacert": "...", "tlscert": "...", "tlskey": "..." (or listen on the unix socket only)',
      'dockerd --tlsverify --tlscacert ca.pem --tlscert server.pem --tlskey server-key.pem',
    ),
    evaluate: withSettings((s) => {
      const tcp = s.hosts.filter((h) => /^(tcp|http):\/\//i.test(h) || /^:\d+$/.test(h));
      if (tcp.length === 0) return pass(`hosts: ${s.hosts.join(', ') || 'default unix socket'}`);
      if (s.tlsVerify) return pass(`${tcp.join(', ')} with tlsverify`);
      return fail(
        `${tcp.join(', ')} without tlsverify${s.tls ? ' (tls on, any client certificate accepted)' : ''}: anyone who reaches the port controls the host`,
      );
    }),
  },
  {
    id: 'daemon-icc',
    title: 'Containers on the default bridge can talk to each other (icc)',
    severity: 'medium',
    cis: '2.2',
    remediation: fix('"icc": false', 'dockerd --icc=false'),
    evaluate: (f) => {
      if (f.bridgeOptions === null) return na('the engine has no default bridge network');
      const icc = f.bridgeOptions?.['com.docker.network.bridge.enable_icc'];
      if (icc === undefined) return na('the default bridge network was not read');
      return icc === 'false'
        ? pass('bridge: enable_icc=false')
        : fail('bridge: enable_icc=true (the default)');
    },
  },
  {
    id: 'daemon-insecure-registries',
    title: 'Daemon trusts insecure registries',
    severity: 'high',
    cis: '2.5',
    remediation: fix(
      'remove "insecure-registries" (give the registry a certificate)',
      'dockerd without --insecure-registry',
    ),
    evaluate: (f) => {
      const rc = f.info.RegistryConfig;
      if (!rc) return na('the engine does not report its registry configuration');
      const cidrs = (rc.InsecureRegistryCIDRs ?? []).filter((c) => !DEFAULT_INSECURE.has(c));
      const names = Object.values(rc.IndexConfigs ?? {})
        .filter((c) => c.Secure === false)
        .map((c) => c.Name ?? '?');
      const all = [...names, ...cidrs];
      return all.length ? fail(`insecure: ${all.join(', ')}`) : pass('no insecure registry');
    },
  },
  {
    id: 'daemon-default-ulimit',
    title: 'No default ulimits for containers',
    severity: 'low',
    cis: '2.8',
    remediation: fix(
      '"default-ulimits": { "nofile": { "Name": "nofile", "Soft": 1024, "Hard": 4096 } }',
      'dockerd --default-ulimit nofile=1024:4096',
    ),
    evaluate: withSettings((s) =>
      s.defaultUlimits.length
        ? pass(`default-ulimits: ${s.defaultUlimits.join(', ')}`)
        : fail("default-ulimits not set: containers inherit the daemon's limits"),
    ),
  },
  {
    id: 'daemon-userns-remap',
    title: 'User namespace remapping is off (root in a container is root on the host)',
    severity: 'medium',
    cis: '2.9',
    remediation: fix('"userns-remap": "default"', 'dockerd --userns-remap=default'),
    evaluate: (f) => {
      if (securityOption(f.info, 'userns')) return pass('security options: userns');
      if (securityOption(f.info, 'rootless')) return pass('rootless engine');
      return fail(`security options: ${(f.info.SecurityOptions ?? []).join('; ') || 'none'}`);
    },
  },
  {
    id: 'daemon-authorization-plugin',
    title: 'No authorization plugin: every client of the socket may do everything',
    severity: 'low',
    cis: '2.12',
    remediation: fix(
      '"authorization-plugins": ["<plugin>"]',
      'dockerd --authorization-plugin=<plugin>',
    ),
    evaluate: (f) => {
      const p = f.info.Plugins?.Authorization ?? [];
      return p.length
        ? pass(`authorization: ${p.join(', ')}`)
        : fail('authorization plugins: none');
    },
  },
  {
    id: 'daemon-log-rotation',
    title: "Daemon's default logging neither rotates nor ships logs",
    severity: 'medium',
    remediation: fix(
      '"log-driver": "local" (or "log-opts": { "max-size": "10m", "max-file": "3" }, or a shipping driver)',
      'dockerd --log-opt max-size=10m --log-opt max-file=3',
    ),
    evaluate: (f) => {
      const driver = f.settings?.logDriver ?? f.info.LoggingDriver ?? 'json-file';
      if (SHIPPING_DRIVERS.has(driver)) return pass(`log driver ${driver} ships logs`);
      if (driver === 'local') return pass('log driver local (rotates by default)');
      if (driver === 'none') return fail('log driver none: no logs are kept');
      if (driver !== 'json-file') return pass(`log driver ${driver} (a plugin)`);
      if (!f.settings)
        return na(
          `log driver json-file; its default options are not readable: ${f.settingsReason ?? 'remote engine'}`,
        );
      const size = f.settings.logOpts['max-size'];
      return size
        ? pass(
            `json-file max-size=${size}${f.settings.logOpts['max-file'] ? ` max-file=${f.settings.logOpts['max-file']}` : ''}`,
          )
        : fail('json-file without max-size: logs grow until the disk is full');
    },
  },
  {
    id: 'daemon-live-restore',
    title: 'Containers stop when the daemon restarts (live-restore off)',
    severity: 'low',
    cis: '2.15',
    remediation: fix('"live-restore": true', 'dockerd --live-restore'),
    evaluate: (f) =>
      f.info.LiveRestoreEnabled === undefined
        ? na('the engine does not report live-restore')
        : f.info.LiveRestoreEnabled
          ? pass('live-restore on')
          : fail('live-restore off'),
  },
  {
    id: 'daemon-userland-proxy',
    title: 'Userland proxy on: a docker-proxy process per published port',
    severity: 'low',
    cis: '2.16',
    remediation: fix('"userland-proxy": false', 'dockerd --userland-proxy=false'),
    evaluate: withSettings((s) =>
      s.userlandProxy === false
        ? pass('userland-proxy false')
        : fail(`userland-proxy ${s.userlandProxy === true ? 'true' : 'not set (default true)'}`),
    ),
  },
  {
    id: 'daemon-seccomp',
    title: "Daemon's default seccomp profile is off",
    severity: 'high',
    cis: '2.17',
    remediation: fix(
      'remove "seccomp-profile": "unconfined"',
      'dockerd without --seccomp-profile=unconfined',
    ),
    evaluate: (f) => {
      const opt = securityOption(f.info, 'seccomp');
      if (!opt) return fail('no seccomp in security options (kernel without seccomp?)');
      const profile = /profile=([^,]+)/.exec(opt)?.[1] ?? 'default';
      return profile === 'unconfined'
        ? fail('seccomp profile unconfined')
        : pass(`seccomp profile ${profile}`);
    },
  },
  {
    id: 'daemon-experimental',
    title: 'Experimental features are on in production',
    severity: 'low',
    cis: '2.18',
    remediation: fix('"experimental": false', 'dockerd without --experimental'),
    evaluate: (f) =>
      f.info.ExperimentalBuild === undefined
        ? na('the engine does not report it')
        : f.info.ExperimentalBuild
          ? fail('experimental: true')
          : pass('experimental: false'),
  },
  {
    id: 'daemon-no-new-privileges',
    title: 'Containers may gain privileges by default (no-new-privileges off)',
    severity: 'medium',
    cis: '2.14',
    remediation: fix('"no-new-privileges": true', 'dockerd --no-new-privileges'),
    evaluate: (f) =>
      securityOption(f.info, 'no-new-privileges')
        ? pass('security options: no-new-privileges')
        : withSettings((s) =>
            s.noNewPrivileges
              ? pass('no-new-privileges true')
              : fail(`no-new-privileges ${s.noNewPrivileges === false ? 'false' : 'not set'}`),
          )(f),
  },
];

/** The daemon's configuration (section 2), then its files (section 3). */
export const DAEMON_CHECKS: readonly DaemonCheckDefinition[] = [
  ...CONFIG_CHECKS,
  ...DAEMON_FILE_CHECKS,
];

export function daemonTarget(info: EngineInfo): FindingTarget {
  return { kind: 'engine', name: info.Name ?? 'engine', ...(info.ID ? { id: info.ID } : {}) };
}

export function evaluateDaemon(f: DaemonFacts, ids?: readonly string[]): Evaluation[] {
  const checks = ids ? DAEMON_CHECKS.filter((c) => ids.includes(c.id)) : DAEMON_CHECKS;
  return checks.map((c) => evaluationOf(c, daemonTarget(f.info), c.evaluate(f)));
}
