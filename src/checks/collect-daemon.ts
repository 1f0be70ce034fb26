/**
 * The `daemon` audit scope's facts: `info`, the default bridge's options and, for an engine on
 * this machine, its daemon process's command line and daemon.json (merged by daemon-config.ts).
 */
import type { DockerReadPort, FileStat } from '../engine/docker-read-port.js';
import { DaemonConfigError, daemonSettings } from './daemon-config.js';
import type { DaemonFacts } from './rules-daemon.js';
import { daemonFilePaths } from './rules-daemon-files.js';
import { posix } from 'node:path';
import {
  auditCandidates,
  auditWatchList,
  type AuditCandidate,
  type HostFacts,
} from './rules-docker-host.js';

export interface CollectDaemonOptions {
  /** Also read the engine's machine: its accounts and audit rules (the host scope). */
  host?: boolean;
}

export async function collectDaemon(
  port: DockerReadPort,
  opts: CollectDaemonOptions = {},
): Promise<DaemonFacts & { host?: HostFacts }> {
  const [info, networks] = await Promise.all([port.info(), port.listNetworks()]);
  const bridge = networks.find(
    (n) => n.Options?.['com.docker.network.bridge.default_bridge'] === 'true',
  );
  const facts: DaemonFacts = {
    info,
    bridgeOptions: bridge
      ? (bridge.Options ?? {})
      : networks.some((n) => n.Name === 'bridge')
        ? {}
        : null,
  };
  const away = (reason: string) => ({
    ...facts,
    settingsReason: reason,
    ...(opts.host ? { host: { reason } } : {}),
  });
  if (!port.daemonProcess) return away('remote engine: its configuration is read on its host');
  const proc = info.DockerRootDir ? await port.daemonProcess(info.DockerRootDir) : undefined;
  if (!proc)
    return away(
      `no dockerd with data root ${info.DockerRootDir ?? '?'} is visible in /proc (another machine, container or PID namespace, or no access)`,
    );
  try {
    const settings = daemonSettings({
      args: proc.args,
      ...(proc.configText !== undefined ? { configText: proc.configText } : {}),
    });
    const effective = { ...settings, configFile: proc.configFile };
    const wanted = daemonFilePaths(effective);
    const audited = opts.host ? auditCandidates(effective, info.DockerRootDir, proc.exe) : [];
    const stats = port.statPaths
      ? await port.statPaths([...new Set([...wanted, ...audited].map((w) => w.path))])
      : undefined;
    const host = opts.host ? await readHost(port, audited, stats, wanted) : undefined;
    return {
      ...facts,
      ...(host ? { host } : {}),
      settings: effective,
      ...(proc.mountinfo !== undefined ? { mountinfo: proc.mountinfo } : {}),
      ...(stats
        ? {
            files: wanted.map((w) => {
              const stat = stats.get(w.path);
              return { ...w, ...(stat ? { stat } : {}) };
            }),
          }
        : {}),
    };
  } catch (err) {
    if (!(err instanceof DaemonConfigError)) throw err;
    return { ...facts, settingsReason: `${proc.configFile}: ${err.message}` };
  }
}

async function readHost(
  port: DockerReadPort,
  audited: AuditCandidate[],
  stats: Map<string, FileStat | undefined> | undefined,
  files: { role: string; path: string }[],
): Promise<HostFacts> {
  const [accounts, audit] = await Promise.all([port.hostAccounts?.(), port.auditRules?.()]);
  const socket = files.find((f) => f.role === 'socket' && stats?.get(f.path));
  const socketStat = socket ? stats?.get(socket.path) : undefined;
  // Each file once, as itself: /lib/… and /usr/lib/… are one unit on a merged-/usr system, and
  // /usr/bin/runc a link to /usr/sbin/runc, the binary that runs.
  const seen = new Set<string>();
  const auditPaths = audited.flatMap((a) => {
    const st = stats?.get(a.path);
    const path = st?.real ?? a.path;
    if (!st || seen.has(path)) return [];
    seen.add(path);
    return [{ path, cis: a.cis }];
  });
  // A watch lands in its directory with links resolved (the kernel resolves all but the last name).
  const watchPaths: Record<string, string> = {};
  if (audit && audit.source !== 'none' && port.statPaths) {
    const watches = auditWatchList(audit.text);
    const real = await port.statPaths([...new Set(watches.map((w) => posix.dirname(w.path)))]);
    for (const w of watches) {
      const dir = real.get(posix.dirname(w.path))?.real;
      if (dir) watchPaths[w.path] = posix.join(dir, posix.basename(w.path));
    }
  }
  return {
    ...(accounts ? { accounts } : { reason: "this machine's accounts are not readable from here" }),
    ...(audit ? { audit } : {}),
    ...(stats ? { auditPaths } : {}),
    ...(Object.keys(watchPaths).length ? { watchPaths } : {}),
    // Members of the socket's group reach the daemon; a root-group socket leaves only root.
    ...(socketStat && socketStat.gid !== 0 && socketStat.group
      ? { socketGroup: socketStat.group }
      : {}),
  };
}
