/**
 * The session reducer: state = entries.reduce(apply). Resume, report and verify all read state
 * through this fold; nothing else holds session state.
 */
import type { Runbook } from '../runbook/types.js';
import type { JournalEntry } from '../journal/types.js';
import {
  RESOLVED,
  type PhaseProgress,
  type SessionState,
  type Stamp,
  type StepResultRecord,
  type StepState,
} from './state.js';
import { applyIncident } from './incident-fold.js';

export { hasCompleteSnapshot, sameContainer } from './incident-fold.js';
export { unmetRequirements } from './gates.js';
export { findStep } from '../runbook/types.js';

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

export function reduce(entries: readonly JournalEntry[]): SessionState {
  const first = entries[0];
  if (!first || first.type !== 'session.started') {
    throw new ReplayError('the journal does not begin with session.started');
  }
  let state = initial(first);
  for (const e of entries.slice(1)) state = apply(state, e);
  return state;
}

function stamp(e: JournalEntry): Stamp {
  return { by: e.operator, at: e.ts, seq: e.seq };
}

function initial(e: JournalEntry): SessionState {
  const d = e.data as {
    runbook: Runbook;
    runbookFile?: string;
    runbookSha256?: string;
    inputs?: Record<string, string>;
  };
  if (!d.runbook || !Array.isArray(d.runbook.phases)) {
    throw new ReplayError('session.started carries no runbook');
  }
  const steps: Record<string, StepState> = {};
  const order: string[] = [];
  for (const phase of d.runbook.phases) {
    for (const s of phase.steps) {
      steps[s.id] = {
        id: s.id,
        phaseId: phase.id,
        status: 'pending',
        notes: [],
        overrides: [],
        results: [],
      };
      order.push(s.id);
    }
  }
  return finish({
    id: e.session,
    runbook: d.runbook,
    runbookFile: d.runbookFile ?? '',
    runbookSha256: d.runbookSha256 ?? '',
    inputs: d.inputs ?? {},
    operator: e.operator,
    startedAt: e.ts,
    updatedAt: e.ts,
    lastWorkAt: e.ts,
    steps,
    order,
    phases: [],
    notes: [],
    signoffs: [],
    status: 'in-progress',
    head: e.hash,
    entries: 1,
    repairs: 0,
    actionLog: [],
    evidence: [],
    backups: [],
    restores: [],
  });
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Applies one entry. Unknown step ids are ignored (never crash a replay); verify reports them. */
export function apply(prev: SessionState, e: JournalEntry): SessionState {
  const state: SessionState = {
    ...prev,
    steps: { ...prev.steps },
    updatedAt: e.ts,
    lastWorkAt:
      e.type === 'session.resumed' || e.type === 'journal.repaired' ? prev.lastWorkAt : e.ts,
    head: e.hash,
    entries: prev.entries + 1,
  };
  const cur = e.step !== undefined ? state.steps[e.step] : undefined;
  const put = (next: StepState) => {
    state.steps[next.id] = next;
  };
  switch (e.type) {
    case 'session.started':
      break;
    case 'session.resumed':
      for (const id of state.order) {
        const s = state.steps[id];
        if (s?.status === 'running') state.steps[id] = { ...s, status: 'interrupted' };
      }
      break;
    case 'journal.repaired':
      state.repairs++;
      break;
    case 'step.done':
      if (cur)
        put({
          ...cur,
          status: 'done',
          resolved: stamp(e),
          accepted: e.data.accepted === true,
          reason: e.data.accepted === true ? str(e.data.reason) : undefined,
          failure: undefined,
        });
      break;
    case 'step.skipped':
      if (cur)
        put({
          ...cur,
          status: 'skipped',
          resolved: stamp(e),
          reason: str(e.data.reason),
          failure: undefined,
          accepted: false,
        });
      break;
    case 'step.failed':
      if (cur)
        put({
          ...cur,
          status: 'failed',
          resolved: stamp(e),
          failure: str(e.data.note),
          reason: undefined,
          accepted: false,
        });
      break;
    case 'step.reopened':
      if (cur)
        put({
          ...cur,
          status: 'pending',
          resolved: undefined,
          reason: undefined,
          failure: undefined,
          accepted: false,
        });
      break;
    case 'step.started':
      if (cur && e.data.dryRun !== true)
        put({ ...cur, status: 'running', started: { ...stamp(e), data: e.data } });
      break;
    case 'step.result':
      if (cur) put(applyResult(cur, e));
      break;
    case 'note.added': {
      const note = { ...stamp(e), text: str(e.data.text) };
      if (cur) put({ ...cur, notes: [...cur.notes, note] });
      else if (e.step === undefined) state.notes = [...state.notes, note];
      break;
    }
    case 'gate.overridden':
      if (cur) {
        const unmet = Array.isArray(e.data.unmet) ? e.data.unmet.map(String) : [];
        put({
          ...cur,
          overrides: [...cur.overrides, { ...stamp(e), reason: str(e.data.reason), unmet }],
        });
      }
      break;
    case 'session.signed':
      state.signoffs = [
        ...state.signoffs,
        {
          ...stamp(e),
          signer: str(e.data.signer),
          statement: str(e.data.statement),
          signedAt: str(e.data.signedAt),
          head: str(e.data.head),
          keyFingerprint: str(e.data.keyFingerprint),
          hash: e.hash,
        },
      ];
      break;
  }
  applyIncident(state, e);
  return finish(state);
}

function applyResult(cur: StepState, e: JournalEntry): StepState {
  const outcome =
    (['ok', 'failed', 'cancelled', 'timeout', 'error'] as const).find(
      (o) => o === e.data.outcome,
    ) ?? 'error';
  const record: StepResultRecord = {
    ...stamp(e),
    outcome,
    summary: str(e.data.summary),
    dryRun: e.data.dryRun === true,
    data: e.data,
  };
  const next: StepState = { ...cur, results: [...cur.results, record] };
  if (record.dryRun) return next;
  if (outcome === 'ok') {
    return {
      ...next,
      status: 'done',
      resolved: stamp(e),
      failure: undefined,
      reason: undefined,
      accepted: false,
    };
  }
  if (outcome === 'error' || outcome === 'cancelled') {
    // It did not run to a verdict (engine down, no such container, program missing, cancelled):
    // the step stays to be dealt with; the attempt is kept in `results`.
    return {
      ...next,
      status: 'pending',
      resolved: undefined,
      failure: undefined,
      reason: undefined,
      accepted: false,
    };
  }
  return {
    ...next,
    status: 'failed',
    resolved: stamp(e),
    failure: record.summary,
    reason: undefined,
    accepted: false,
  };
}

function finish(state: SessionState): SessionState {
  const phases: PhaseProgress[] = state.runbook.phases.map((p) => ({
    id: p.id,
    title: p.title,
    total: p.steps.length,
    resolved: p.steps.filter((s) => RESOLVED.has(state.steps[s.id]?.status ?? 'pending')).length,
  }));
  const allResolved = phases.every((p) => p.resolved === p.total);
  const lastSignoff = state.signoffs[state.signoffs.length - 1];
  // A sign-off covers the session as it was; a later change (e.g. a reopened step) needs a new one.
  const signedCurrent = lastSignoff !== undefined && lastSignoff.hash === state.head;
  const status = signedCurrent ? 'signed' : allResolved ? 'ready-to-sign' : 'in-progress';
  return { ...state, phases, status };
}

/** The next step to work on: the first unresolved one in runbook order. */
export function nextStep(state: SessionState): string | undefined {
  return state.order.find((id) => !RESOLVED.has(state.steps[id]?.status ?? 'pending'));
}

/** Offline views (report, sessions list): a step still `running` with no live process is interrupted. */
export function settle(state: SessionState): SessionState {
  let changed = false;
  const steps = { ...state.steps };
  for (const id of state.order) {
    const s = steps[id];
    if (s?.status === 'running') {
      steps[id] = { ...s, status: 'interrupted' };
      changed = true;
    }
  }
  return changed ? { ...state, steps } : state;
}
