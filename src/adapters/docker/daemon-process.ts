/**
 * The daemon process of a local engine, found in /proc: every `dockerd` whose data root (from its
 * flags or its daemon.json) is the one the engine reports in `info`. The data root identifies a
 * daemon: two daemons cannot share one. Its argv comes from /proc/<pid>/cmdline and its config
 * file is read as dockerd reads it (`--config-file`, else /etc/docker/daemon.json).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { lstat, readFile, readlink, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { daemonConfigPath, daemonDataRoot } from '../../checks/daemon-config.js';
import type { DaemonProcess, FileStat } from '../../engine/docker-read-port.js';

/** `comm` of every process, read synchronously: hundreds of tiny reads, each far below 1 ms. */
function dockerdPids(procRoot: string): string[] {
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  return pids.filter((pid) => {
    try {
      return readFileSync(join(procRoot, pid, 'comm'), 'latin1').trim() === 'dockerd';
    } catch {
      return false; // exited, or not ours to read
    }
  });
}

export function createDaemonProcessReader(procRoot = '/proc') {
  return async function daemonProcess(dataRoot: string): Promise<DaemonProcess | undefined> {
    // Awaiting one read per process took 30–300 ms on a busy host (each a trip through the I/O
    // pool); the names are read at once, then only dockerd's files are read.
    for (const pid of dockerdPids(procRoot)) {
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
      const mountinfo = await readFile(join(procRoot, pid, 'mountinfo'), 'utf8').catch(
        () => undefined,
      );
      const exe = await readlink(join(procRoot, pid, 'exe')).catch(() => undefined);
      return {
        pid: Number(pid),
        ...(exe !== undefined ? { exe: exe.replace(/ \(deleted\)$/, '') } : {}),
        ...(mountinfo !== undefined ? { mountinfo } : {}),
        args,
        configFile,
        ...(configText !== undefined ? { configText } : {}),
      };
    }
    return undefined;
  };
}

/** Owner, group and mode of each path (lstat: a symlink is judged as itself, as CIS asks). */
export function createPathStatReader(groupFile = '/etc/group') {
  return async function statPaths(paths: readonly string[]) {
    const groups = new Map<number, string>();
    try {
      for (const line of (await readFile(groupFile, 'utf8')).split('\n')) {
        const [name, , gid] = line.split(':');
        if (name && gid !== undefined && /^\d+$/.test(gid)) groups.set(Number(gid), name);
      }
    } catch {
      // no /etc/group: groups are shown by number
    }
    const out = new Map<string, FileStat | undefined>();
    for (const p of paths) {
      try {
        const s = await lstat(p);
        const group = groups.get(s.gid);
        const real = await realpath(p).catch(() => undefined);
        out.set(p, {
          uid: s.uid,
          gid: s.gid,
          mode: s.mode & 0o7777,
          ...(group ? { group } : {}),
          ...(real !== undefined && real !== p ? { real } : {}),
        });
      } catch {
        out.set(p, undefined);
      }
    }
    return out;
  };
}
