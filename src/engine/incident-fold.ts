/**
 * The incident view of the journal, folded alongside the steps: every action run (intent to
 * result), the evidence, backups and restores it produced, replacements of the target, and inputs
 * changed during the session (the incident's start). Pure; called by the reducer for each entry.
 */
import type { JournalEntry } from '../journal/types.js';
import type { SessionState, Stamp } from './state.js';

function stamp(e: JournalEntry): Stamp {
  return { by: e.operator, at: e.ts, seq: e.seq };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = String(x);
  return out;
}

function arr<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

function idName(v: unknown): { id: string; name: string; image?: string } {
  const r = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return {
    id: str(r.id),
    name: str(r.name),
    ...(typeof r.image === 'string' ? { image: r.image } : {}),
  };
}

const OUTCOMES = ['ok', 'failed', 'cancelled', 'timeout', 'error'] as const;

/** Inputs changed during the session (`input.changed`) and target replacements (`target.replaced`). */
function applyInputs(state: SessionState, e: JournalEntry): boolean {
  const d = e.data;
  if (e.type === 'input.changed') {
    const input = str(d.input);
    if (!input) return true;
    const value = str(d.value);
    state.inputs = { ...state.inputs, [input]: value };
    state.inputChanges = [
      ...(state.inputChanges ?? []),
      {
        ...stamp(e),
        input,
        value,
        previous: typeof d.previous === 'string' ? d.previous : undefined,
        reason: typeof d.reason === 'string' ? d.reason : undefined,
      },
    ];
    return true;
  }
  if (e.type === 'target.replaced') {
    const input = str(d.input);
    const replacement = idName(d.replacement);
    if (!input || !replacement.id) return true;
    state.inputs = { ...state.inputs, [input]: replacement.name || replacement.id };
    state.replacements = [
      ...(state.replacements ?? []),
      {
        ...stamp(e),
        input,
        original: idName(d.original),
        replacement,
        reason: typeof d.reason === 'string' ? d.reason : undefined,
      },
    ];
    return true;
  }
  return false;
}

export function applyIncident(state: SessionState, e: JournalEntry): void {
  const d = e.data;
  if (applyInputs(state, e)) return;
  if (e.type === 'session.resumed' && state.actionLog?.some((a) => a.status === 'running')) {
    state.actionLog = state.actionLog.map((a) =>
      a.status === 'running' ? { ...a, status: 'interrupted' } : a,
    );
    return;
  }
  const isStart = e.type === 'action.started' || (e.type === 'step.started' && d.kind === 'action');
  if (isStart) {
    state.actionLog = [
      ...(state.actionLog ?? []),
      {
        ...stamp(e),
        action: str(d.action),
        step: e.step,
        adhoc: e.type === 'action.started',
        params: strRecord(d.params),
        dryRun: d.dryRun === true,
        status: 'running',
        intent: d,
      },
    ];
    return;
  }
  const isResult =
    e.type === 'action.result' ||
    (e.type === 'step.result' &&
      state.actionLog?.some((a) => a.step === e.step && a.status === 'running'));
  if (!isResult) return;
  const log = state.actionLog ?? [];
  let idx = -1;
  for (let i = log.length - 1; i >= 0; i--) {
    const a = log[i];
    if (!a || a.status !== 'running') continue;
    if (e.type === 'action.result' ? a.seq === d.startedSeq : a.step === e.step) {
      idx = i;
      break;
    }
  }
  const outcome = OUTCOMES.find((o) => o === d.outcome) ?? 'error';
  const rec = log[idx];
  const action = rec?.action ?? str(d.action);
  if (rec) {
    const next = [...log];
    next[idx] = {
      ...rec,
      status: 'done',
      outcome,
      summary: str(d.summary),
      result: { ...stamp(e), data: d },
    };
    state.actionLog = next;
  }
  if (d.dryRun === true) return;
  const container = (d.container ?? { id: '', name: '' }) as { id: string; name: string };
  if ((action === 'snapshot' || action === 'preserve-logs') && typeof d.dir === 'string') {
    state.evidence = [
      ...(state.evidence ?? []),
      {
        ...stamp(e),
        action,
        step: e.step,
        container,
        complete: d.complete === true && outcome === 'ok',
        cancelled: outcome === 'cancelled',
        fullSnapshot: d.fullSnapshot === true,
        dir: d.dir,
        manifest: str(d.manifest),
        manifestSha256: typeof d.manifestSha256 === 'string' ? d.manifestSha256 : null,
        files: arr(d.files),
        ...(d.eventsCoverage && typeof d.eventsCoverage === 'object'
          ? { eventsCoverage: d.eventsCoverage as { complete: boolean; since?: string } }
          : {}),
      },
    ];
  } else if (action === 'backup' && outcome === 'ok' && typeof d.dir === 'string') {
    state.backups = [
      ...(state.backups ?? []),
      {
        ...stamp(e),
        step: e.step,
        container,
        dir: d.dir,
        manifest: str(d.manifest),
        manifestSha256: str(d.manifestSha256),
        createdAt: str(d.createdAt),
        encrypted: d.encrypted === true,
        archives: arr(d.archives),
      },
    ];
  } else if (action === 'restore-test' && (outcome === 'ok' || outcome === 'failed')) {
    state.restoreTests = [
      ...(state.restoreTests ?? []),
      {
        ...stamp(e),
        step: e.step,
        container,
        backup: str(d.backup),
        manifestSha256: str(d.manifestSha256),
        backupCreatedAt: str(d.backupCreatedAt),
        passed: outcome === 'ok' && d.passed === true,
        files: typeof d.files === 'number' ? d.files : 0,
        differences: arr<string>(d.differences).map(String),
        summary: str(d.summary),
      },
    ];
  } else if (action === 'restore') {
    state.restores = [
      ...(state.restores ?? []),
      {
        ...stamp(e),
        step: e.step,
        container,
        backup: str(d.backup),
        backupCreatedAt: str(d.backupCreatedAt),
        outcome,
        summary: str(d.summary),
        verified: arr(d.verified),
        warnings: arr<string>(d.warnings).map(String),
      },
    ];
  }
}

/** A recorded complete, full snapshot of `container` (a name, `/name`, or an id prefix). */
export function hasCompleteSnapshot(state: SessionState, container: string): boolean {
  return (state.evidence ?? []).some(
    (ev) => ev.complete && ev.fullSnapshot && sameContainer(ev.container, container),
  );
}

export function sameContainer(c: { id: string; name: string }, ref: string): boolean {
  const r = ref.trim().replace(/^\//, '');
  if (!r) return false;
  return c.name === r || c.id === r || (r.length >= 6 && c.id.startsWith(r));
}
