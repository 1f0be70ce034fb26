/**
 * The hash chain. hash = SHA-256 (hex) of UTF-8( prev + JCS(entry without `hash`) ), where JCS is
 * the JSON Canonicalization Scheme (RFC 8785). The first entry's prev is 64 zeros.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './jcs.js';
import { GENESIS_PREV, type EntryDraft, type JournalEntry } from './types.js';
import { verifySignoff } from './signature.js';

export { canonicalJson };

export function entryHash(entry: Omit<JournalEntry, 'hash'>): string {
  const { hash: _ignored, ...rest } = entry as JournalEntry;
  return createHash('sha256')
    .update(rest.prev + canonicalJson(rest), 'utf8')
    .digest('hex');
}

export function sealEntry(entry: Omit<JournalEntry, 'hash'>): JournalEntry {
  return { ...entry, hash: entryHash(entry) };
}

/** The entry that follows `last`: next seq, UTC time, linked to `last` and sealed. */
export function nextEntry(
  last: JournalEntry | undefined,
  draft: EntryDraft,
  meta: { session: string; operator: string; now: Date },
): JournalEntry {
  return sealEntry({
    seq: (last?.seq ?? 0) + 1,
    ts: meta.now.toISOString(),
    session: meta.session,
    operator: meta.operator,
    type: draft.type,
    ...(draft.step !== undefined ? { step: draft.step } : {}),
    data: draft.data ?? {},
    prev: last?.hash ?? GENESIS_PREV,
  });
}

export interface ChainProblem {
  /** 1-based line in the file. */
  line: number;
  seq?: number;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  head: string;
  signatures: number;
  problem?: ChainProblem;
}

/** A parsed line, or why it could not be parsed. */
export type ParsedLine = { line: number; entry: JournalEntry } | { line: number; error: string };

export function parseJournalText(text: string): { lines: ParsedLine[]; tornTail: boolean } {
  const raw = text.split('\n');
  const tornTail = raw.length > 0 && raw[raw.length - 1] !== '';
  const lines: ParsedLine[] = [];
  raw.forEach((l, i) => {
    if (l === '' && i === raw.length - 1) return;
    try {
      const v: unknown = JSON.parse(l);
      if (!isEntryShape(v))
        lines.push({ line: i + 1, error: 'not a journal entry (missing fields)' });
      else lines.push({ line: i + 1, entry: v });
    } catch {
      lines.push({ line: i + 1, error: l.trim() === '' ? 'empty line' : 'not valid JSON' });
    }
  });
  return { lines, tornTail };
}

function isEntryShape(v: unknown): v is JournalEntry {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.seq === 'number' &&
    typeof e.ts === 'string' &&
    typeof e.session === 'string' &&
    typeof e.operator === 'string' &&
    typeof e.type === 'string' &&
    typeof e.prev === 'string' &&
    typeof e.hash === 'string' &&
    !!e.data &&
    typeof e.data === 'object'
  );
}

/** Verifies links, hashes, sequence numbers, one session id, and every sign-off signature. */
export function verifyChain(lines: readonly ParsedLine[]): ChainReport {
  let prev = GENESIS_PREV;
  let session: string | undefined;
  let signatures = 0;
  let count = 0;
  for (const l of lines) {
    const fail = (reason: string, seq?: number): ChainReport => ({
      ok: false,
      entries: count,
      head: prev,
      signatures,
      problem: { line: l.line, seq, reason },
    });
    if ('error' in l) return fail(l.error);
    const e = l.entry;
    if (e.seq !== count + 1)
      return fail(`sequence number is ${e.seq}, expected ${count + 1}`, e.seq);
    if (e.prev !== prev) return fail('prev does not match the hash of the entry before it', e.seq);
    if (session === undefined) session = e.session;
    else if (e.session !== session)
      return fail(`belongs to session ${e.session}, not ${session}`, e.seq);
    if (count === 0 && e.type !== 'session.started')
      return fail('the first entry is not session.started', e.seq);
    const expected = entryHash(e);
    if (e.hash !== expected)
      return fail('hash does not match its content (the entry was altered)', e.seq);
    if (e.type === 'session.signed') {
      const sig = verifySignoff(e);
      if (!sig.ok) return fail(`sign-off signature invalid: ${sig.reason}`, e.seq);
      signatures++;
    }
    prev = e.hash;
    count++;
  }
  if (count === 0)
    return {
      ok: false,
      entries: 0,
      head: prev,
      signatures,
      problem: { line: 1, reason: 'the journal is empty' },
    };
  return { ok: true, entries: count, head: prev, signatures };
}
