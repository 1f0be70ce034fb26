/**
 * The `daemon` audit scope's facts: `info`, the default bridge's options and, for an engine on
 * this machine, its daemon process's command line and daemon.json (merged by daemon-config.ts).
 */
import type { DockerReadPort } from '../engine/docker-read-port.js';
import { DaemonConfigError, daemonSettings } from './daemon-config.js';
import type { DaemonFacts } from './rules-daemon.js';
import { daemonFilePaths } from './rules-daemon-files.js';

export async function collectDaemon(port: DockerReadPort): Promise<DaemonFacts> {
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
  if (!port.daemonProcess)
    return { ...facts, settingsReason: 'remote engine: its configuration is read on its host' };
  const proc = info.DockerRootDir ? await port.daemonProcess(info.DockerRootDir) : undefined;
  if (!proc)
    return {
      ...facts,
      settingsReason: `no dockerd with data root ${info.DockerRootDir ?? '?'} is visible in /proc (another machine, container or PID namespace, or no access)`,
    };
  try {
    const settings = daemonSettings({
      args: proc.args,
      ...(proc.configText !== undefined ? { configText: proc.configText } : {}),
    });
    const effective = { ...settings, configFile: proc.configFile };
    const wanted = daemonFilePaths(effective);
    const stats = port.statPaths ? await port.statPaths(wanted.map((w) => w.path)) : undefined;
    return {
      ...facts,
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
