/**
 * The interfaces the core owns. Adapters (src/adapters, src/journal/file.ts) implement them; the
 * composition root (src/cli/compose.ts) builds the real ones; UI tests use fakes.
 */
import type { EntryDraft, JournalEntry } from '../journal/types.js';
import type { ParsedLine } from '../journal/chain.js';

export type { DockerPort, EngineVersion } from './docker-port.js';

export interface Clock {
  now(): Date;
}

/** An open, locked session journal. `append` resolves only after the line is fsynced. */
export interface JournalPort {
  readonly sessionId: string;
  readonly path: string;
  readonly entries: readonly JournalEntry[];
  append(draft: EntryDraft, operator: string): Promise<JournalEntry>;
  close(): Promise<void>;
}

export interface JournalRead {
  sessionId: string;
  path: string;
  lines: ParsedLine[];
  tornTail: boolean;
}

export interface SessionListing {
  sessionId: string;
  path: string;
  /** True while another process holds the session's lock. */
  locked: boolean;
}

export interface SessionStorePort {
  /** Creates the session directory (0700) and journal (0600), takes the lock, writes `first`. */
  create(sessionId: string, first: EntryDraft, operator: string): Promise<JournalPort>;
  /** Opens an existing session for writing: takes the lock, sets aside a torn trailing line. */
  open(sessionId: string): Promise<JournalPort>;
  /** Reads a journal without locking it: a session id (or unique prefix) or a journal path. */
  read(ref: string): Promise<JournalRead>;
  list(): Promise<SessionListing[]>;
  /** Expands a unique prefix to a full session id. */
  resolveId(ref: string): Promise<string>;
  sessionDir(sessionId: string): string;
}

export interface ShellRun {
  argv: readonly string[];
  timeoutMs?: number;
  signal: AbortSignal;
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
  cwd?: string;
}

export interface ShellResult {
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the program could not start (e.g. not installed). */
  startError?: string;
  durationMs: number;
}

export interface ShellPort {
  run(run: ShellRun): Promise<ShellResult>;
}

export interface SettingsPort {
  get(key: string): string | undefined;
  /** Validates and writes one setting (atomically). */
  set(key: string, value: string): Promise<void>;
  /** Every known setting that is set, by its dotted key. */
  all(): Record<string, string>;
}

/** Holds the operator's Ed25519 key (created on first use); signs bytes. */
export interface SignerPort {
  sign(bytes: Buffer): Promise<{ signature: string; publicKey: string }>;
}
