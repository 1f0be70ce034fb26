/**
 * What the operator attests, each written ahead as one journal entry: a step done (a check or
 * action that did not pass only with an acceptance reason), skipped (with a reason), failed (with
 * a note), reopened; notes; gate overrides; inputs set during the session (the incident's start);
 * the replacement of a removed target. Every text the operator typed is masked first, and the
 * entry says what was masked (labels, never values).
 */
import { UserError } from '../errors.js';
import type { JournalEntry } from '../journal/types.js';
import { findStep, type Step } from '../runbook/types.js';
import { assertNotRunning, assertUnblocked, unmetRequirements } from './gates.js';
import type { MaskedText } from './masking.js';
import type { Recording } from './recorder.js';
import type { ContainerIdentity } from './targets.js';

/** Masks operator text (the Session's masker: known target secrets and secret-looking values). */
export type MaskFn = (text: string) => Promise<MaskedText>;

function stepOf(rec: Recording, stepId: string): Step {
  const s = findStep(rec.state.runbook, stepId);
  if (!s) throw new UserError(`no step "${stepId}" in runbook ${rec.state.runbook.id}`);
  return s;
}

/** `{field: text, fieldMasked: [...]}` for an entry's data. */
function withMasked(field: string, m: MaskedText): Record<string, unknown> {
  return { [field]: m.text, ...(m.masked.length ? { masked: m.masked } : {}) };
}

export async function markDone(
  rec: Recording,
  mask: MaskFn,
  stepId: string,
  opts: { acceptReason?: string; note?: string } = {},
): Promise<JournalEntry> {
  const step = stepOf(rec, stepId);
  assertNotRunning(rec.state, stepId);
  assertUnblocked(rec.state, stepId);
  const st = rec.state.steps[stepId];
  let data: Record<string, unknown> = {};
  if (step.type !== 'manual') {
    const last = st?.results.filter((r) => !r.dryRun).at(-1);
    if (!last || last.outcome !== 'ok') {
      const why = opts.acceptReason?.trim();
      if (!why) {
        throw new UserError(
          last
            ? `step "${stepId}" did not pass; marking it done needs a reason (accepted risk)`
            : `step "${stepId}" has not run; marking it done without running needs a reason`,
        );
      }
      data = { accepted: true, ...withMasked('reason', await mask(why)) };
    }
  }
  const note = opts.note?.trim();
  if (step.answer && (st?.notes.length ?? 0) === 0 && !note) {
    throw new UserError(
      `"${step.title}" is a question: record the answer as a note first (n answers it)`,
      'the answer goes into the report (lessons learned); skip the step with a reason if there is none',
    );
  }
  if (note) {
    const m = await mask(note);
    data.note = m.text;
    if (m.masked.length)
      data.masked = [...new Set([...((data.masked as string[]) ?? []), ...m.masked])];
  }
  return rec.write({ type: 'step.done', step: stepId, data });
}

export async function skip(
  rec: Recording,
  mask: MaskFn,
  stepId: string,
  reason: string,
): Promise<JournalEntry> {
  stepOf(rec, stepId);
  assertNotRunning(rec.state, stepId);
  const why = reason.trim();
  if (!why) throw new UserError('skipping a step needs a reason');
  return rec.write({
    type: 'step.skipped',
    step: stepId,
    data: withMasked('reason', await mask(why)),
  });
}

export async function fail(
  rec: Recording,
  mask: MaskFn,
  stepId: string,
  note: string,
): Promise<JournalEntry> {
  stepOf(rec, stepId);
  assertNotRunning(rec.state, stepId);
  const text = note.trim();
  if (!text) throw new UserError('marking a step failed needs a note');
  return rec.write({
    type: 'step.failed',
    step: stepId,
    data: withMasked('note', await mask(text)),
  });
}

export async function reopen(rec: Recording, stepId: string): Promise<JournalEntry> {
  stepOf(rec, stepId);
  assertNotRunning(rec.state, stepId);
  return rec.write({ type: 'step.reopened', step: stepId, data: {} });
}

export async function addNote(
  rec: Recording,
  mask: MaskFn,
  stepId: string | undefined,
  text: string,
): Promise<JournalEntry> {
  if (stepId !== undefined) stepOf(rec, stepId);
  const t = text.trim();
  if (!t) throw new UserError('a note cannot be empty');
  return rec.write({ type: 'note.added', step: stepId, data: withMasked('text', await mask(t)) });
}

export async function overrideGate(
  rec: Recording,
  mask: MaskFn,
  stepId: string,
  reason: string,
): Promise<JournalEntry | undefined> {
  stepOf(rec, stepId);
  const why = reason.trim();
  if (!why) throw new UserError('overriding a gate needs a reason');
  const unmet = unmetRequirements(rec.state, stepId);
  if (unmet.length === 0) return undefined;
  return rec.write({
    type: 'gate.overridden',
    step: stepId,
    data: { ...withMasked('reason', await mask(why)), unmet },
  });
}

/** Sets an input during the session (e.g. the incident's start once the alert time is known). */
export async function changeInput(
  rec: Recording,
  mask: MaskFn,
  input: string,
  value: string,
  reason?: string,
): Promise<JournalEntry | undefined> {
  const decl = rec.state.runbook.inputs.find((i) => i.id === input);
  if (!decl) throw new UserError(`runbook ${rec.state.runbook.id} has no input "${input}"`);
  if (decl.type === 'container')
    throw new UserError(
      `"${input}" names a container: pick a replacement instead (it is recorded as such)`,
    );
  const previous = rec.state.inputs[input];
  if (previous === value) return undefined;
  const why = reason?.trim();
  return rec.write({
    type: 'input.changed',
    data: {
      input,
      value,
      ...(previous !== undefined ? { previous } : {}),
      ...(why ? withMasked('reason', await mask(why)) : {}),
    },
  });
}

/** The operator picked the container that replaces a removed (or re-created) target. */
export async function replaceTarget(
  rec: Recording,
  mask: MaskFn,
  input: string,
  original: ContainerIdentity,
  replacement: ContainerIdentity,
  reason?: string,
): Promise<JournalEntry> {
  const decl = rec.state.runbook.inputs.find((i) => i.id === input);
  if (!decl || decl.type !== 'container')
    throw new UserError(`runbook ${rec.state.runbook.id} has no container input "${input}"`);
  if (original.id && original.id === replacement.id)
    throw new UserError(`${replacement.name} is the original container, not a replacement`);
  const why = reason?.trim();
  return rec.write({
    type: 'target.replaced',
    data: {
      input,
      original,
      replacement,
      ...(why ? withMasked('reason', await mask(why)) : {}),
    },
  });
}
