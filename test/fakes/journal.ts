/**
 * In-memory JournalPort / SessionStorePort: entries sealed with the real hash chain, locks held
 * per session id, optional append delay to observe write-ahead ordering.
 */
import { UserError } from '../../src/errors.js';
import type {
  Clock,
  JournalPort,
  JournalRead,
  SessionListing,
  SessionStorePort,
} from '../../src/engine/ports.js';
import { nextEntry } from '../../src/journal/chain.js';
import type { EntryDraft, JournalEntry } from '../../src/journal/types.js';

export interface MemoryStore extends SessionStorePort {
  journals: Map<string, JournalEntry[]>;
  /** Session ids locked by "another process" (open refuses them). */
  foreignLocks: Set<string>;
  /** Session ids currently held open by a MemoryJournal. */
  held: Set<string>;
  /** Entries of one session (throws when unknown). */
  entries(sessionId: string): JournalEntry[];
}

export function fixedClock(start = Date.parse('2025-01-15T03:00:00.000Z')): Clock {
  let t = start;
  return { now: () => new Date((t += 1000)) };
}

class MemoryJournal implements JournalPort {
  private closed = false;
  constructor(
    readonly sessionId: string,
    private readonly list: JournalEntry[],
    private readonly clock: Clock,
    private readonly onClose: () => void,
  ) {}
  get path(): string {
    return `/mem/sessions/${this.sessionId}/journal.jsonl`;
  }
  get entries(): readonly JournalEntry[] {
    return this.list;
  }
  async append(draft: EntryDraft, operator: string): Promise<JournalEntry> {
    if (this.closed) throw new Error('journal is closed');
    const last = this.list.at(-1);
    const entry = nextEntry(last, draft, {
      session: this.sessionId,
      operator,
      now: this.clock.now(),
    });
    await Promise.resolve();
    this.list.push(entry);
    return entry;
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

export function memoryStore(clock: Clock = fixedClock()): MemoryStore {
  const journals = new Map<string, JournalEntry[]>();
  const foreignLocks = new Set<string>();
  const held = new Set<string>();
  const openJournal = (id: string, list: JournalEntry[]) => {
    if (held.has(id) || foreignLocks.has(id)) {
      throw new UserError(
        `session ${id} is open in another warden process`,
        'close it there first',
      );
    }
    held.add(id);
    return new MemoryJournal(id, list, clock, () => held.delete(id));
  };
  return {
    journals,
    foreignLocks,
    held,
    entries(id) {
      const list = journals.get(id);
      if (!list) throw new Error(`no session ${id}`);
      return list;
    },
    async create(id, first, operator) {
      const list: JournalEntry[] = [];
      journals.set(id, list);
      const j = openJournal(id, list);
      await j.append(first, operator);
      return j;
    },
    async open(id) {
      const list = journals.get(id);
      if (!list) throw new UserError(`no session "${id}"`);
      return openJournal(id, list);
    },
    async read(ref): Promise<JournalRead> {
      const list = journals.get(ref);
      if (!list) throw new UserError(`no session "${ref}"`);
      return {
        sessionId: ref,
        path: `/mem/sessions/${ref}/journal.jsonl`,
        lines: list.map((entry, i) => ({ line: i + 1, entry })),
        tornTail: false,
      };
    },
    async list(): Promise<SessionListing[]> {
      return [...journals.keys()].map((id) => ({
        sessionId: id,
        path: `/mem/sessions/${id}/journal.jsonl`,
        locked: foreignLocks.has(id) || held.has(id),
      }));
    },
    async resolveId(ref) {
      const hits = [...journals.keys()].filter((k) => k.startsWith(ref));
      if (hits.length !== 1) throw new UserError(`no unique session "${ref}"`);
      return hits[0]!;
    },
    sessionDir: (id) => `/mem/sessions/${id}`,
  };
}
