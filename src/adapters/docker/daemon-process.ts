/**
 * The daemon process of a local engine, found in /proc: every `dockerd` whose data root (from its
 * flags or its daemon.json) is the one the engine reports in `info`. The data root identifies a
 * daemon: two daemons cannot share one. Its argv comes from /proc/<pid>/cmdline and its config
 * file is read as dockerd reads it (`--config-file`, else /etc/docker/daemon.json).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { daemonConfigPath, daemonDataRoot } from '../../checks/daemon-config.js';
import type { DaemonProcess } from '../../engine/docker-read-port.js';

export function createDaemonProcessReader(procRoot = '/proc') {
  return async function daemonProcess(dataRoot: string): Promise<DaemonProcess | undefined> {
    let pids: string[];
    try {
      pids = (await readdir(procRoot)).filter((n) => /^\d+$/.test(n));
    } catch {
      return undefined;
    }
    for (const pid of pids) {
      let comm: string;
      try {
        comm = (await readFile(join(procRoot, pid, 'comm'), 'utf8')).trim();
      } catch {
        continue; // exited, or not ours to read
      }
      if (comm !== 'dockerd') continue;
      let args: string[];
      try {
        args = (await readFile(join(procRoot, pid, 'cmdline'), 'latin1')).split('\0');
      } catch {
        continue;
      }
      if (args.at(-1) === '') args.pop();
      const configFile = daemonConfigPath(args);
      let configText: string | undefined;
      try {
        configText = await readFile(configFile, 'utf8');
      } catch {
        configText = undefined; // no daemon.json: the defaults apply
      }
      if (resolve(daemonDataRoot(args, configText)) !== resolve(dataRoot)) continue;
      return {
        pid: Number(pid),
        args,
        configFile,
        ...(configText !== undefined ? { configText } : {}),
      };
    }
    return undefined;
  };
}
