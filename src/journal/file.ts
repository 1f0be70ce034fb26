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
import { ExternalError, UserError } from '../errors.js';
import type {
  JournalPort,
  JournalRead,
  SessionListing,
  SessionStorePort,
  Clock,
} from '../engine/ports.js';
import { nextEntry, parseJournalText, verifyChain } from './chain.js';
import type { EntryDraft, JournalEntry } from './types.js';

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

function parseLock(text: string | undefined): LockInfo | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as LockInfo);
  } catch {
    return undefined;
  }
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  return parseLock(await readText(path));
}

function lockIsLive(info: LockInfo | undefined): boolean {
  if (!info) return false;
  if (info.host !== hostname()) return true; // cannot tell; be safe
  return pidAlive(info.pid);
}

async function takeLock(dir: string, sessionId: string, clock: Clock): Promise<string> {
  const path = join(dir, LOCK);
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: clock.now().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await writeFile(path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      heldLocks.add(path);
      installExitHook();
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const text = await readText(path);
      const info = parseLock(text);
      if (lockIsLive(info)) {
        throw new UserError(
          `session ${sessionId} is open in another warden process (pid ${info?.pid} on ${info?.host} since ${info?.since})`,
          'finish or quit it there first; `warden report` and `warden verify` can read it meanwhile',
        );
      }
      await removeStaleLock(path, text);
    }
  }
  throw new UserError(`could not lock session ${sessionId} (another process keeps taking it)`);
}

/**
 * Removes a lock judged stale (its process is gone). Only one process may do that at a time: it
 * holds `journal.lock.takeover` (exclusive create) meanwhile, and removes the lock only if it is
 * still byte for byte the one judged stale, never one another process took since. The exclusive
 * create of the lock that follows then lets exactly one process win.
 */
async function removeStaleLock(path: string, staleText: string | undefined): Promise<void> {
  const guard = `${path}.takeover`;
  const me: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  try {
    await writeFile(guard, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another process is taking over right now; a guard left behind by a dead one is cleared.
    if (!lockIsLive(await readLock(guard))) await rm(guard, { force: true });
    return;
  }
  try {
    if ((await readText(path)) === staleText) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
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
  /** Set when a failed write could not be rolled back; no further appends. */
  private broken: string | undefined;
  constructor(
    readonly sessionId: string,
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly lockPath: string,
    private readonly list: JournalEntry[],
    private readonly clock: Clock,
    /** Bytes in the file: where a failed append rolls back to. */
    private size: number,
  ) {}

  get entries(): readonly JournalEntry[] {
    return this.list;
  }

  async append(draft: EntryDraft, operator: string): Promise<JournalEntry> {
    if (this.closed) throw new Error('journal is closed');
    if (this.broken) {
      throw new ExternalError(
        `the journal ${this.path} could not be written earlier: ${this.broken}`,
        {
          hint: 'nothing more is recorded in this process; fix the disk and resume the session',
        },
      );
    }
    const last = this.list[this.list.length - 1];
    const entry = nextEntry(last, draft, {
      session: this.sessionId,
      operator,
      now: this.clock.now(),
    });
    const line = Buffer.from(JSON.stringify(entry) + '\n', 'utf8');
    const before = this.size;
    try {
      // A full disk can end a write short without an error: loop until every byte is written.
      for (let off = 0; off < line.length;) {
        const { bytesWritten } = await this.fh.write(line, off, line.length - off, null);
        if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
        off += bytesWritten;
      }
      await this.fh.sync();
    } catch (err) {
      // Nothing was acknowledged: take the partial line back so the file stays a valid chain.
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      try {
        await this.fh.truncate(before);
        await this.fh.sync();
      } catch (undo) {
        this.broken = `${code}; the partial line could not be removed (${(undo as NodeJS.ErrnoException).code ?? 'error'})`;
      }
      throw new ExternalError(
        `could not record ${draft.type} in ${this.path}: ${code}${code === 'ENOSPC' ? ' (disk full)' : ''}`,
        { code, hint: 'nothing was changed; free space or fix the disk, then try again' },
      );
    }
    this.size = before + line.length;
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
    const hits = ids.filter((id) => id.includes(ref));
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
      const journal = new FileJournal(sessionId, path, fh, lockPath, [], clock, 0);
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
        const text = await readFile(path, 'utf8');
        const parsed = parseJournalText(text);
        const refuse = (r: ReturnType<typeof verifyChain>) =>
          new UserError(
            `session ${sessionId}: journal fails verification at line ${r.problem?.line}: ${r.problem?.reason}; refusing to append to it`,
            `\`warden verify ${sessionId}\` shows the details; the file is unchanged`,
            1,
          );
        let lines = parsed.lines;
        let torn: { bytes: number; sha256: string; savedAs: string } | undefined;
        let addNewline = false;
        if (parsed.tornTail) {
          // The last line has no newline. If it is a whole entry that chains (e.g. an editor
          // stripped the newline), it was written: keep it. Otherwise it was never completed, so
          // never acknowledged: set it aside, after checking that everything before it holds.
          if (verifyChain(parsed.lines).ok) addNewline = true;
          else {
            const cut = text.lastIndexOf('\n') + 1;
            lines = parseJournalText(text.slice(0, cut)).lines;
            const before = verifyChain(lines);
            if (!before.ok) throw refuse(before);
            const tail = text.slice(cut);
            const savedAs = `journal.torn-${clock.now().toISOString().replace(/[:.]/g, '')}`;
            await writeFile(join(dir, savedAs), tail, { mode: 0o600 });
            await truncate(path, Buffer.byteLength(text.slice(0, cut)));
            torn = {
              bytes: Buffer.byteLength(tail),
              sha256: createHash('sha256').update(tail).digest('hex'),
              savedAs,
            };
          }
        }
        const report = verifyChain(lines);
        if (!report.ok) throw refuse(report);
        const recorded = lines[0] && 'entry' in lines[0] ? lines[0].entry.session : sessionId;
        if (recorded !== sessionId)
          throw new UserError(
            `session ${sessionId}: the journal in its directory records session ${recorded} (copied from another session?); refusing to append to it`,
            `\`warden verify ${sessionId}\` shows the details; the file is unchanged`,
            1,
          );
        if (addNewline) await writeFile(path, '\n', { flag: 'a' });
        const entries = lines.flatMap((l) => ('entry' in l ? [l.entry] : []));
        const fh = await open(path, 'a', 0o600);
        const size = (await fh.stat()).size;
        const journal = new FileJournal(sessionId, path, fh, lockPath, entries, clock, size);
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
