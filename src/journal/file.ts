/**
 * The one disk writer for journals: `$WARDEN_HOME/sessions/<id>/journal.jsonl`.
 * Each append is written and fsynced before `append` resolves (write-ahead). Directories 0700,
 * files 0600. A lock file keeps a second process from writing the same session.
 */
import { createHash } from 'node:crypto';
import { constants, existsSync, unlinkSync } from 'node:fs';
import {
  chmod,
  mkdir,
  open,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type {
  JournalPort,
  JournalRead,
  SessionListing,
  SessionStorePort,
  Clock,
} from '../engine/ports.js';
import { parseJournalText, sealEntry, verifyChain } from './chain.js';
import { GENESIS_PREV, type EntryDraft, type JournalEntry } from './types.js';

const JOURNAL = 'journal.jsonl';
const LOCK = 'journal.lock';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

const heldLocks = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Best effort: a SIGKILL leaves the lock behind; the next open detects the dead pid.
  process.on('exit', () => {
    for (const p of heldLocks) {
      try {
        unlinkSync(p);
      } catch {
        /* already gone */
      }
    }
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function lockIsLive(info: LockInfo | undefined): boolean {
  if (!info) return false;
  if (info.host !== hostname()) return true; // cannot tell; be safe
  return pidAlive(info.pid);
}

async function takeLock(dir: string, sessionId: string, clock: Clock): Promise<string> {
  const path = join(dir, LOCK);
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: clock.now().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      heldLocks.add(path);
      installExitHook();
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const info = await readLock(path);
      if (lockIsLive(info)) {
        throw new UserError(
          `session ${sessionId} is open in another warden process (pid ${info?.pid} on ${info?.host} since ${info?.since})`,
          'finish or quit it there first; `warden report` and `warden verify` can read it meanwhile',
        );
      }
      await rm(path, { force: true }); // stale lock from a dead process
    }
  }
  throw new UserError(`could not lock session ${sessionId}`);
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, constants.O_RDONLY);
    await fh.sync();
  } catch {
    /* some filesystems do not allow fsync on directories */
  } finally {
    await fh?.close();
  }
}

class FileJournal implements JournalPort {
  private closed = false;
  constructor(
    readonly sessionId: string,
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly lockPath: string,
    private readonly list: JournalEntry[],
    private readonly clock: Clock,
  ) {}

  get entries(): readonly JournalEntry[] {
    return this.list;
  }

  async append(draft: EntryDraft, operator: string): Promise<JournalEntry> {
    if (this.closed) throw new Error('journal is closed');
    const last = this.list[this.list.length - 1];
    const entry = sealEntry({
      seq: (last?.seq ?? 0) + 1,
      ts: this.clock.now().toISOString(),
      session: this.sessionId,
      operator,
      type: draft.type,
      ...(draft.step !== undefined ? { step: draft.step } : {}),
      data: draft.data ?? {},
      prev: last?.hash ?? GENESIS_PREV,
    });
    const line = JSON.stringify(entry) + '\n';
    await this.fh.write(line, null, 'utf8');
    await this.fh.sync();
    this.list.push(entry);
    return entry;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
    await rm(this.lockPath, { force: true });
    heldLocks.delete(this.lockPath);
  }
}

export function createFileSessionStore(home: string, clock: Clock): SessionStorePort {
  const root = join(home, 'sessions');

  async function ensureRoot(): Promise<void> {
    await mkdir(home, { recursive: true, mode: 0o700 });
    await mkdir(root, { recursive: true, mode: 0o700 });
    await chmod(root, 0o700);
  }

  function dirOf(id: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id))
      throw new UserError(`"${id}" is not a session id`);
    return join(root, id);
  }

  async function listIds(): Promise<string[]> {
    try {
      const names = await readdir(root, { withFileTypes: true });
      return names
        .filter((d) => d.isDirectory() && existsSync(join(root, d.name, JOURNAL)))
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
  }

  async function resolveId(ref: string): Promise<string> {
    const ids = await listIds();
    if (ids.includes(ref)) return ref;
    const hits = ids.filter((id) => id.startsWith(ref) || id.endsWith(ref));
    if (hits.length === 1) return hits[0] as string;
    if (hits.length > 1)
      throw new UserError(
        `"${ref}" matches ${hits.length} sessions (${hits.slice(0, 3).join(', ')}...)`,
        'give more of the id',
      );
    throw new UserError(`no session "${ref}" under ${root}`, '`warden sessions` lists them');
  }

  return {
    sessionDir: dirOf,
    resolveId,

    async create(sessionId, first, operator) {
      await ensureRoot();
      const dir = dirOf(sessionId);
      await mkdir(dir, { mode: 0o700 });
      await chmod(dir, 0o700);
      const lockPath = await takeLock(dir, sessionId, clock);
      const path = join(dir, JOURNAL);
      const fh = await open(path, 'a', 0o600);
      await chmod(path, 0o600);
      const journal = new FileJournal(sessionId, path, fh, lockPath, [], clock);
      await journal.append(first, operator);
      await fsyncDir(dir);
      await fsyncDir(root);
      return journal;
    },

    async open(ref) {
      const sessionId = await resolveId(ref);
      const dir = dirOf(sessionId);
      const lockPath = await takeLock(dir, sessionId, clock);
      try {
        const path = join(dir, JOURNAL);
        let text = await readFile(path, 'utf8');
        const parsed = parseJournalText(text);
        let torn: { bytes: number; sha256: string; savedAs: string } | undefined;
        if (parsed.tornTail) {
          // The last line was never completed (crash mid-write), so it was never acknowledged.
          // Keep its bytes aside, cut it from the journal, and record the repair.
          const cut = text.lastIndexOf('\n') + 1;
          const tail = text.slice(cut);
          const savedAs = `journal.torn-${clock.now().toISOString().replace(/[:.]/g, '')}`;
          await writeFile(join(dir, savedAs), tail, { mode: 0o600 });
          await truncate(path, Buffer.byteLength(text.slice(0, cut)));
          torn = {
            bytes: Buffer.byteLength(tail),
            sha256: createHash('sha256').update(tail).digest('hex'),
            savedAs,
          };
          text = text.slice(0, cut);
        }
        const lines = torn ? parseJournalText(text).lines : parsed.lines;
        const report = verifyChain(lines);
        if (!report.ok) {
          throw new UserError(
            `session ${sessionId}: journal fails verification at line ${report.problem?.line}: ${report.problem?.reason}; refusing to append to it`,
            `\`warden verify ${sessionId}\` shows the details; the file is unchanged`,
            1,
          );
        }
        const entries = lines.flatMap((l) => ('entry' in l ? [l.entry] : []));
        const fh = await open(path, 'a', 0o600);
        const journal = new FileJournal(sessionId, path, fh, lockPath, entries, clock);
        if (torn)
          await journal.append(
            { type: 'journal.repaired', data: torn },
            entries.at(-1)?.operator ?? 'warden',
          );
        return journal;
      } catch (err) {
        await rm(lockPath, { force: true });
        heldLocks.delete(lockPath);
        throw err;
      }
    },

    async read(ref): Promise<JournalRead> {
      let path: string;
      let sessionId: string;
      if (ref.includes('/') || ref.endsWith('.jsonl')) {
        path = resolve(ref);
        try {
          if ((await stat(path)).isDirectory()) path = join(path, JOURNAL);
        } catch {
          throw new UserError(`no journal at ${ref}`);
        }
        sessionId = basename(dirname(path));
      } else {
        sessionId = await resolveId(ref);
        path = join(dirOf(sessionId), JOURNAL);
      }
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw new UserError(
          `cannot read journal ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
      const { lines, tornTail } = parseJournalText(text);
      const first = lines[0];
      if (first && 'entry' in first) sessionId = first.entry.session;
      return { sessionId, path, lines, tornTail };
    },

    async list(): Promise<SessionListing[]> {
      const ids = await listIds();
      return Promise.all(
        ids.map(async (sessionId) => {
          const dir = join(root, sessionId);
          const info = await readLock(join(dir, LOCK));
          return { sessionId, path: join(dir, JOURNAL), locked: lockIsLive(info) };
        }),
      );
    },
  };
}
