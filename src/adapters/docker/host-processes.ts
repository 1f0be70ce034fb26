/**
 * The processes of local containers, read in one pass over this machine's /proc instead of one
 * `GET /containers/{id}/top` each (the engine forks `ps` over every host process per call: about
 * 10 ms a container, most of a 100-container audit).
 *
 * A container's processes are those in its cgroup (and the cgroups below it), which is what the
 * engine's `top` lists too, whatever the PID namespace (`--pid host` included). The cgroup is read
 * from the container's first process (`State.Pid`) and must carry the container's id: a pid from
 * another machine (a remote or virtualised engine), a pid reused after the container stopped, or a
 * /proc this user cannot read leaves the container out, and the caller asks `top` instead.
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import type { ContainerTop, HostProcessQuery } from '../../engine/docker-read-port.js';

export const HOST_PROCESS_TITLES = ['PID', 'USER', 'COMMAND', 'COMMAND'];

export interface HostProcessOptions {
  procRoot?: string;
  passwd?: string;
}

/** One buffer for every read of the scan: /proc files are small, and hundreds are read. */
let scratch = Buffer.allocUnsafe(64 << 10);

/** The whole file as latin1 (open, read, close: /proc files report no size to stat). */
function read(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    let n = 0;
    for (;;) {
      if (n === scratch.length) {
        const bigger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(bigger, 0, 0, n);
        scratch = bigger;
      }
      const got = readSync(fd, scratch, n, scratch.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return scratch.toString('latin1', 0, n);
  } catch {
    return undefined; // gone (exited during the scan) or not readable
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The one line of `/proc/<pid>/cgroup` that names the process's group: the unified (`0::`) line
 * on cgroup v2, the `pids` controller's on v1 (hybrid hosts list both; v1 is where the engine put
 * the container when it is there).
 */
export function cgroupPath(text: string): string | undefined {
  let unified: string | undefined;
  let first: string | undefined;
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (controllers.split(',').includes('pids')) return path;
    if (controllers === '' && line.startsWith('0:')) unified = path;
    else first ??= path;
  }
  return unified && unified !== '/' ? unified : (first ?? unified);
}

function userNames(passwd: string | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of (passwd ?? '').split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && !names.has(uid)) names.set(uid, name);
  }
  return names;
}

/** One `top`-shaped row, or undefined when the process exited meanwhile. */
function row(dir: string, pid: string, users: Map<string, string>): string[] | undefined {
  const stat = read(`${dir}/stat`);
  const status = read(`${dir}/status`);
  const cmdline = read(`${dir}/cmdline`);
  if (stat === undefined || status === undefined || cmdline === undefined) return undefined;
  const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  // `ps -o user` is the effective user: the second number of `Uid:`.
  const uid = /^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? '?';
  const args = cmdline.split('\0');
  while (args.length && args.at(-1) === '') args.pop();
  return [pid, users.get(uid) ?? uid, comm, args.length ? args.join(' ') : `[${comm}]`];
}

/**
 * Every process's cgroup, in one pass, shared by the calls that ask while it runs (the local
 * engines of a fleet audit, each asking for its own containers at about the same time). Only
 * while it runs: a pass that is over is never reused, so no process started since is missed.
 */
const tables = new Map<string, Promise<[string, string | undefined][]>>();

function cgroupTable(root: string): Promise<[string, string | undefined][]> {
  const running = tables.get(root);
  if (running) return running;
  const table = (async () => {
    let pids: string[];
    try {
      pids = readdirSync(root).filter((n) => /^\d+$/.test(n));
    } catch {
      return [];
    }
    const out: [string, string | undefined][] = [];
    for (let i = 0; i < pids.length; i++) {
      // Yield now and then: a host with thousands of processes must not freeze the screen.
      if (i % 512 === 511) await new Promise((r) => setImmediate(r));
      const pid = pids[i] as string;
      out.push([pid, cgroupPath(read(`${root}/${pid}/cgroup`) ?? '')]);
    }
    return out;
  })().finally(() => tables.delete(root));
  tables.set(root, table);
  return table;
}

export function createHostProcessReader(opts: HostProcessOptions = {}) {
  const root = opts.procRoot ?? '/proc';
  const passwdPath = opts.passwd ?? '/etc/passwd';
  return async function hostProcesses(
    queries: readonly HostProcessQuery[],
  ): Promise<Map<string, ContainerTop>> {
    const out = new Map<string, ContainerTop>();
    const byPath = new Map<string, string>();
    for (const q of queries) {
      if (!Number.isInteger(q.pid) || q.pid <= 0) continue;
      const path = cgroupPath(read(`${root}/${q.pid}/cgroup`) ?? '');
      if (path && path.includes(q.id)) byPath.set(path, q.id);
    }
    if (byPath.size === 0) return out;
    const table = await cgroupTable(root);
    const users = userNames(read(passwdPath));
    const rows = new Map<string, string[][]>();
    for (const [pid, cgroup] of table) {
      const dir = `${root}/${pid}`;
      let path = cgroup;
      let id: string | undefined;
      while (path && path.length > 1 && !(id = byPath.get(path)))
        path = path.slice(0, Math.max(1, path.lastIndexOf('/')));
      if (!id) continue;
      const r = row(dir, pid, users);
      if (!r) continue;
      const list = rows.get(id) ?? [];
      list.push(r);
      rows.set(id, list);
    }
    for (const q of queries) {
      const list = rows.get(q.id);
      // The first process must still be there: otherwise the container stopped during the scan.
      if (!list || !list.some((r) => r[0] === String(q.pid))) continue;
      list.sort((a, b) => Number(a[0]) - Number(b[0]));
      out.set(q.id, { Titles: [...HOST_PROCESS_TITLES], Processes: list });
    }
    return out;
  };
}
