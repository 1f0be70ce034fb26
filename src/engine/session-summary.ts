/**
 * One line's worth of a session, to tell sessions apart in lists (the home screen, `warden
 * sessions`) and to find the session a CLI verb belongs to: runbook, targets, progress, last
 * activity, state, who signed. Pure: derived from the state the reducer folds.
 */
import { outcomeCounts, type OutcomeCounts } from './outcomes.js';
import { AD_HOC_RUNBOOK } from './session.js';
import type { SessionState, SessionStatus } from './state.js';

export interface SessionSummary {
  id: string;
  runbook: string;
  title: string;
  kind: string;
  /** `damaged`: the journal fails verification. */
  status: SessionStatus | 'damaged';
  /** Containers (names) the session targets or acted on, and compose files it audits. */
  targets: string[];
  /** Container ids seen in the session's action results (a name can be reused by a new container). */
  targetIds: string[];
  /** What `targets` covers when it is empty: e.g. every container of the engine. */
  scope: string;
  counts: OutcomeCounts;
  resolved: number;
  total: number;
  startedAt: string;
  /** When work was last recorded (resumes do not count). */
  lastActivity: string;
  operator: string;
  signedBy?: string;
  signedAt?: string;
  adhoc: boolean;
  /** An ad-hoc session with nothing recorded after its start: not worth listing. */
  empty: boolean;
}

function containerOf(v: unknown): { id?: string; name?: string } {
  return v && typeof v === 'object' ? (v as { id?: string; name?: string }) : {};
}

/** Target names in first-seen order: container inputs, compose inputs, then what actions touched. */
export function sessionTargets(state: SessionState): { names: string[]; ids: string[] } {
  const names: string[] = [];
  const ids: string[] = [];
  const add = (list: string[], v: string | undefined) => {
    const t = v?.trim().replace(/^\//, '');
    if (t && !list.includes(t)) list.push(t);
  };
  for (const input of state.runbook.inputs) {
    if (input.type === 'container' || input.type === 'compose-file')
      add(names, state.inputs[input.id]);
  }
  for (const a of state.actionLog ?? []) {
    const c = containerOf(a.result?.data.container);
    add(names, c.name ?? a.params.container);
    add(ids, c.id);
  }
  return { names, ids };
}

export function summarizeSession(state: SessionState, chainOk = true): SessionSummary {
  const { names, ids } = sessionTargets(state);
  const counts = outcomeCounts(state);
  const resolved = state.phases.reduce((n, p) => n + p.resolved, 0);
  const total = state.phases.reduce((n, p) => n + p.total, 0);
  const last = state.signoffs.at(-1);
  const adhoc = state.runbook.id === AD_HOC_RUNBOOK.id;
  const hasContainerInput = state.runbook.inputs.some((i) => i.type === 'container');
  return {
    id: state.id,
    runbook: state.runbook.id,
    title: state.runbook.title,
    kind: state.runbook.kind,
    status: chainOk ? state.status : 'damaged',
    targets: names,
    targetIds: ids,
    scope: names.length > 0 ? '' : hasContainerInput ? 'every container' : '',
    counts,
    resolved,
    total,
    startedAt: state.startedAt,
    lastActivity: state.lastWorkAt ?? state.updatedAt,
    operator: state.operator,
    ...(last && state.status === 'signed'
      ? { signedBy: last.signer, signedAt: last.signedAt }
      : {}),
    adhoc,
    empty:
      adhoc &&
      (state.actionLog ?? []).length === 0 &&
      state.notes.length === 0 &&
      resolved === 0 &&
      state.order.every((id) => (state.steps[id]?.notes.length ?? 0) === 0),
  };
}

/** `web, db`, or the scope (`every container`), or `-`. */
export function targetText(s: Pick<SessionSummary, 'targets' | 'scope'>): string {
  return s.targets.length > 0 ? s.targets.join(', ') : s.scope || '-';
}

/** Whether the session targets this container (by name, or by an id prefix of 12+ characters). */
export function targetsContainer(
  s: Pick<SessionSummary, 'targets' | 'targetIds'>,
  c: { id: string; name: string },
): boolean {
  const name = c.name.replace(/^\//, '');
  return (
    s.targets.includes(name) ||
    s.targetIds.some((id) => id === c.id || (id.length >= 12 && c.id.startsWith(id)))
  );
}

/** Most recently worked on first. */
export function byLastActivity(a: SessionSummary, b: SessionSummary): number {
  return b.lastActivity.localeCompare(a.lastActivity) || b.startedAt.localeCompare(a.startedAt);
}
