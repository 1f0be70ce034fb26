/**
 * What each step came to, told apart: a failure accepted as done is "accepted", never "done".
 * The list, the header counts, the sign-off review and the report all read these. Pure.
 */
import type { CheckResult } from './executors.js';
import type { SessionState, StepState, StepStatus } from './state.js';
import type { Severity } from '../runbook/types.js';

/** A step's status, with accepted failures apart from clean passes. */
export type StepOutcome = StepStatus | 'accepted';

export const OUTCOME_ORDER: readonly StepOutcome[] = [
  'done',
  'accepted',
  'skipped',
  'failed',
  'pending',
  'running',
  'interrupted',
];

export type OutcomeCounts = Record<StepOutcome, number>;

export function outcomeOf(st: StepState | undefined): StepOutcome {
  const status = st?.status ?? 'pending';
  return status === 'done' && st?.accepted === true ? 'accepted' : status;
}

export function outcomeCounts(state: Pick<SessionState, 'order' | 'steps'>): OutcomeCounts {
  const counts = Object.fromEntries(OUTCOME_ORDER.map((o) => [o, 0])) as OutcomeCounts;
  for (const id of state.order) counts[outcomeOf(state.steps[id])]++;
  return counts;
}

/** `4 done, 6 accepted, 5 skipped`: the non-zero counts in a fixed order. */
export function countsText(counts: OutcomeCounts): string {
  return OUTCOME_ORDER.filter((o) => counts[o] > 0)
    .map((o) => `${counts[o]} ${o}`)
    .join(', ');
}

/**
 * Steps still to look at, for navigation (`]`, the cursor after d/s/f): not passed, not accepted,
 * not skipped. A failed step is open: it is fixed and re-checked, accepted or left failed.
 */
export function isOpen(st: StepState | undefined): boolean {
  const s = st?.status ?? 'pending';
  return s === 'pending' || s === 'interrupted' || s === 'failed';
}

/** The last real (not dry) result of a step. */
export function lastResult(st: StepState | undefined) {
  return st?.results.filter((r) => !r.dryRun).at(-1);
}

export function checkResultsOf(data: Record<string, unknown> | undefined): CheckResult[] {
  const v = data?.results;
  return Array.isArray(v) ? (v as CheckResult[]) : [];
}

/** One risk the signer accepts: a failing finding of a step accepted as done (or the step itself). */
export interface AcceptedRisk {
  stepId: string;
  title: string;
  severity: Severity | undefined;
  /** The failing check and its target, when the step is a check step. */
  check?: string;
  target?: string;
  reason: string;
  by: string;
  at: string;
}

const RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/**
 * Every accepted risk, worst first: one per failing finding of an accepted check step, one per
 * accepted step without findings (a command or an action that did not pass).
 */
export function acceptedRisks(state: SessionState): AcceptedRisk[] {
  const out: AcceptedRisk[] = [];
  for (const phase of state.runbook.phases) {
    for (const step of phase.steps) {
      const st = state.steps[step.id];
      if (outcomeOf(st) !== 'accepted' || !st) continue;
      const base = {
        stepId: step.id,
        title: step.title,
        reason: st.reason ?? '',
        by: st.resolved?.by ?? '',
        at: st.resolved?.at ?? '',
      };
      const failing = checkResultsOf(lastResult(st)?.data).filter((r) => r.verdict === 'fail');
      if (failing.length === 0) out.push({ ...base, severity: step.severity });
      for (const f of failing)
        out.push({ ...base, severity: f.severity, check: f.check, target: f.target });
    }
  }
  const rank = (r: AcceptedRisk) => RANK[r.severity ?? 'info'] ?? 5;
  return out.sort((a, b) => rank(a) - rank(b));
}

/** The accepted risks a signer must see named before signing: critical and high. */
export function seriousAcceptedRisks(state: SessionState): AcceptedRisk[] {
  return acceptedRisks(state).filter((r) => r.severity === 'critical' || r.severity === 'high');
}

/** `host-pid · container web (3f2a…)`, or the step title when the risk has no finding. */
export function riskName(r: AcceptedRisk): string {
  return r.check ? `${r.check} · ${r.target ?? ''}` : r.title;
}
