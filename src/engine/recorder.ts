/**
 * The write-ahead recorder: the only way a session changes. Every entry is appended to the journal
 * and fsynced, then folded into the state, then listeners hear of it. Appends are serialized, so
 * an entry built from the state (a sign-off over the head) cannot be overtaken by another.
 */
import type { EntryDraft, JournalEntry } from '../journal/types.js';
import type { JournalPort } from './ports.js';
import { apply, reduce } from './reducer.js';
import type { SessionState } from './state.js';

/** What executors and intents see of the recorder: the state so far, and a way to add to it. */
export interface Recording {
  readonly state: SessionState;
  readonly sessionId: string;
  write(draft: EntryDraft | (() => Promise<EntryDraft>)): Promise<JournalEntry>;
}

export class Recorder implements Recording {
  private current: SessionState;
  private listeners = new Set<(s: SessionState) => void>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly journal: JournalPort,
    private readonly operatorName: () => string,
  ) {
    this.current = reduce(journal.entries);
  }

  get state(): SessionState {
    return this.current;
  }

  get sessionId(): string {
    return this.journal.sessionId;
  }

  get path(): string {
    return this.journal.path;
  }

  get entries(): readonly JournalEntry[] {
    return this.journal.entries;
  }

  subscribe(fn: (s: SessionState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Writes (fsynced), then folds into state, then notifies. A function builds its draft in turn. */
  write(draft: EntryDraft | (() => Promise<EntryDraft>)): Promise<JournalEntry> {
    const next = this.chain.then(async () => {
      const d = typeof draft === 'function' ? await draft() : draft;
      const entry = await this.journal.append(d, this.operatorName());
      this.current = apply(this.current, entry);
      for (const l of this.listeners) l(this.current);
      return entry;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.journal.close();
  }
}
