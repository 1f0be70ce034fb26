/** Checks about runtime limits and mounts: cgroup limits, health, restart, tmpfs, binds. */
import type { CheckDefinition, CheckVerdictDetail } from './types.js';
import { bindLabel, hostPathOf, isDockerSocket, isSensitiveBind, locOf, pass } from './helpers.js';
import type { ContainerModel, MountModel } from './model.js';

/** Effective tmpfs options the way the engine merges them (defaults: noexec,nosuid,nodev). */
export function effectiveTmpfsOptions(options: string | undefined): Set<string> {
  const eff = new Set(['noexec', 'nosuid', 'nodev']);
  for (const raw of (options ?? '').split(',')) {
    const o = raw.trim();
    if (o === 'exec') eff.delete('noexec');
    else if (o === 'suid') eff.delete('nosuid');
    else if (o === 'dev') eff.delete('nodev');
    else if (o) eff.add(o);
  }
  return eff;
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${Math.round(n / (1 << 20))}m` : `${n}b`;
}

/** Drivers that send the logs off the container's JSON file: rotation and retention are theirs. */
export const SHIPPING_DRIVERS: ReadonlySet<string> = new Set([
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
  'etwlogs',
  'gcplogs',
  'logentries',
]);

/**
 * json-file keeps everything unless `max-size` is set (its default is unbounded); `local` rotates
 * by default (20 MB × 5); `none` keeps nothing, so an incident has no logs to snapshot.
 */
function logVerdict(m: ContainerModel): CheckVerdictDetail {
  const l = m.logging;
  const at = locOf(m, 'logging');
  if (!l)
    return {
      verdict: 'not-applicable',
      reason:
        m.source === 'compose'
          ? "no logging: the daemon's default log driver and options apply"
          : 'the engine reported no log configuration',
    };
  const opts = ['max-size', 'max-file']
    .filter((k) => l.options[k] !== undefined)
    .map((k) => `${k}=${l.options[k]}`)
    .join(' ');
  const driver = l.driver.toLowerCase();
  const maxSize = l.options['max-size'];
  const bounded = maxSize !== undefined && maxSize !== '' && maxSize !== '-1';
  if (driver === 'none')
    return { verdict: 'fail', evidence: 'log driver none: the output is not kept', ...at };
  if (driver === 'json-file' || driver === '') {
    const name = driver || "the daemon's default driver";
    if (bounded) return pass(`${name} ${opts}`);
    if (driver === '')
      return {
        verdict: 'not-applicable',
        reason: "logging sets no driver and no max-size: the daemon's default applies",
      };
    return {
      verdict: 'fail',
      evidence: `json-file without max-size${opts ? ` (${opts})` : ''}: grows until the disk is full`,
      ...at,
    };
  }
  if (driver === 'local') return pass(`local ${opts || '(rotates: 20m × 5 by default)'}`);
  if (SHIPPING_DRIVERS.has(driver)) return pass(`log driver ${driver} (shipped off the container)`);
  return pass(`log driver ${driver} (a plugin: rotation and retention are its own)`);
}

export const runtimeChecks: CheckDefinition[] = [
  {
    id: 'memory-limit',
    title: 'No memory limit',
    severity: 'low',
    cis: '5.11',
    remediation: { compose: 'mem_limit: 512m', run: '--memory 512m', live: true },
    evaluate(m) {
      if ((m.memoryLimit ?? 0) > 0) return pass(`memory: ${formatBytes(m.memoryLimit ?? 0)}`);
      return { verdict: 'fail', evidence: 'memory: unlimited', ...locOf(m, 'mem_limit') };
    },
  },
  {
    id: 'cpu-limit',
    title: 'No CPU limit',
    severity: 'low',
    cis: '5.12',
    remediation: { compose: 'cpus: 1.0', run: '--cpus 1', live: true },
    evaluate(m) {
      if ((m.cpuLimit ?? 0) > 0) return pass(`cpus: ${m.cpuLimit}`);
      return { verdict: 'fail', evidence: 'cpus: unlimited', ...locOf(m, 'cpus') };
    },
  },
  {
    id: 'pids-limit',
    title: 'No PIDs limit',
    severity: 'low',
    cis: '5.29',
    remediation: { compose: 'pids_limit: 200', run: '--pids-limit 200', live: true },
    evaluate(m) {
      if ((m.pidsLimit ?? 0) > 0) return pass(`pids_limit: ${m.pidsLimit}`);
      return { verdict: 'fail', evidence: 'pids_limit: unlimited', ...locOf(m, 'pids_limit') };
    },
  },
  {
    id: 'healthcheck',
    title: 'No health check',
    severity: 'low',
    cis: '5.27',
    remediation: {
      compose:
        'healthcheck:\n  test: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"]\n  interval: 30s',
      run: '--health-cmd "wget -qO- http://127.0.0.1:8080/health" --health-interval 30s',
      live: false,
    },
    evaluate(m) {
      const h = m.healthcheck;
      const test = h?.test ?? [];
      if (h && !h.disabled && test.length > 0 && test[0] !== 'NONE')
        // Not the command itself: it may carry a credential (`mysqladmin ping -p...`).
        return pass('healthcheck set');
      return {
        verdict: 'fail',
        evidence: h?.disabled || test[0] === 'NONE' ? 'healthcheck disabled' : 'no healthcheck',
        ...locOf(m, 'healthcheck'),
      };
    },
  },
  {
    id: 'restart-policy',
    title: 'Restart policy restarts without bound',
    severity: 'low',
    cis: '5.15',
    remediation: {
      compose: 'restart: on-failure:5',
      run: '--restart on-failure:5 (live: `docker update --restart on-failure:5`)',
      live: true,
    },
    evaluate(m) {
      const r = m.restart;
      const name = (r?.name ?? 'no').toLowerCase();
      if (name === 'always' || name === 'unless-stopped')
        return { verdict: 'fail', evidence: `restart: ${name}`, ...locOf(m, 'restart') };
      if (name === 'on-failure') {
        const n = r?.maxRetries ?? 0;
        // 0 means "retry forever" to the engine.
        if (n === 0 || n > 5)
          return {
            verdict: 'fail',
            evidence:
              n === 0 ? 'restart: on-failure (unlimited retries)' : `restart: on-failure:${n}`,
            ...locOf(m, 'restart'),
          };
        return pass(`restart: on-failure:${n}`);
      }
      return pass(`restart: ${name || 'no'}`);
    },
  },
  {
    id: 'log-rotation',
    title: 'Container logs grow without bound, or are not kept',
    severity: 'medium',
    remediation: {
      compose: 'logging:\n  driver: json-file\n  options:\n    max-size: "10m"\n    max-file: "5"',
      run: '--log-opt max-size=10m --log-opt max-file=5 (or --log-driver local, which rotates)',
      live: false,
    },
    evaluate(m) {
      return logVerdict(m);
    },
  },
  {
    id: 'tmpfs-options',
    title: 'tmpfs mounted without noexec and nosuid',
    severity: 'low',
    remediation: {
      compose: 'tmpfs:\n  - /tmp:rw,noexec,nosuid,size=64m',
      run: '--tmpfs /tmp:rw,noexec,nosuid,size=64m',
      live: false,
    },
    evaluate(m) {
      const tmpfs = (m.mounts ?? []).filter((x) => x.type === 'tmpfs');
      const bad = tmpfs.filter((t) => {
        const eff = effectiveTmpfsOptions(t.options);
        return !eff.has('noexec') || !eff.has('nosuid');
      });
      if (bad.length === 0)
        return pass(tmpfs.length ? `${tmpfs.length} tmpfs, noexec,nosuid` : undefined);
      return {
        verdict: 'fail',
        evidence: bad.map((t) => `${t.target}:${t.options ?? ''}`).join(', '),
        ...locOf(m, 'tmpfs', bad),
      };
    },
  },
  {
    id: 'writable-bind',
    title: 'Bind mount is read-write',
    severity: 'low',
    remediation: {
      compose: 'volumes:\n  - ./config:/app/config:ro',
      run: '-v ./config:/app/config:ro',
      live: false,
    },
    evaluate(m) {
      // Binds, and named volumes whose driver options bind a host directory.
      const bad = (m.mounts ?? []).filter(
        (x: MountModel) =>
          hostPathOf(x) !== undefined && !x.readOnly && !isSensitiveBind(x) && !isDockerSocket(x),
      );
      if (bad.length === 0) return pass();
      return {
        verdict: 'fail',
        evidence: bad.map(bindLabel).join(', '),
        ...locOf(m, 'volumes', bad),
      };
    },
  },
];
