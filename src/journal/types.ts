/** Journal entries: one JSON object per line, hash-chained. */

export const GENESIS_PREV = '0'.repeat(64);

export type EntryType =
  /** First entry: the runbook (whole, so the record stands alone), its hash, the inputs. */
  | 'session.started'
  /** A process reopened the session (resume). Running steps without a result become interrupted. */
  | 'session.resumed'
  /** Operator attests a step done (manual), or accepts a failed check with a reason. */
  | 'step.done'
  | 'step.skipped'
  | 'step.failed'
  /** A command/check/action begins (write-ahead intent). */
  | 'step.started'
  /** Its result: outcome, exit code, output tail, findings (all masked). */
  | 'step.result'
  /** The operator reopens a resolved step to do it again. */
  | 'step.reopened'
  | 'note.added'
  /** A `requires` gate was overridden, with the reason. */
  | 'gate.overridden'
  /** Ed25519 sign-off over the head hash. */
  | 'session.signed'
  /** A torn (partially written) trailing line was found and set aside on reopen. */
  | 'journal.repaired'
  /** An action not tied to a runbook step (CLI verbs) begins: intent, params, plan. */
  | 'action.started'
  /** Its result (masked), with `startedSeq` pointing back at the intent. */
  | 'action.result'
  /** An input set during the session: `{input, value, previous, reason}` (the incident's start). */
  | 'input.changed'
  /** A `container` input now names a replacement: `{input, original, replacement, reason}`. */
  | 'target.replaced';

export interface JournalEntry {
  seq: number;
  /** UTC ISO 8601 with milliseconds. */
  ts: string;
  session: string;
  operator: string;
  type: EntryType;
  step?: string;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
}

/** What a caller supplies; the writer fills seq, ts, session, operator, prev and hash. */
export interface EntryDraft {
  type: EntryType;
  step?: string;
  data?: Record<string, unknown>;
}
