/**
 * Journal → report model. Pure: the report reads only the journal's entries (through the same
 * reducer as resume) and the chain verification result. Renderers: format-markdown.ts and
 * format-json.ts.
 */
import type { ChainReport } from '../journal/chain.js';
import { keyTrust, NO_KNOWN_KEYS, type KnownKeys } from '../journal/key-trust.js';
import type { JournalEntry } from '../journal/types.js';
import { settle } from '../engine/reducer.js';
import type { CheckResult } from '../engine/executors.js';
import { acceptedRisks, outcomeCounts, outcomeOf } from '../engine/outcomes.js';
import type { SessionState, StepState } from '../engine/state.js';
import { incidentReport } from './incident.js';
import { summarize } from './timeline.js';
import type { Report, ReportStep } from './types.js';
import { enginesOf, resultEngineLabel, type ReportEngine } from './engines.js';

export type { Duration, IncidentReport, Report, ReportStep } from './types.js';

function reportStep(
  st: StepState | undefined,
  step: { id: string; title: string; type: string; severity?: string; refs: string[] },
  engines: readonly ReportEngine[],
): ReportStep {
  return {
    id: step.id,
    title: step.title,
    type: step.type,
    severity: step.severity,
    refs: step.refs,
    status: st?.status ?? 'pending',
    outcome: outcomeOf(st),
    by: st?.resolved?.by,
    at: st?.resolved?.at,
    reason: st?.reason,
    failure: st?.failure,
    accepted: st?.accepted === true,
    notes: (st?.notes ?? []).map((n) => ({ text: n.text, by: n.by, at: n.at })),
    overrides: (st?.overrides ?? []).map((o) => ({
      reason: o.reason,
      unmet: o.unmet,
      by: o.by,
      at: o.at,
    })),
    results: (st?.results ?? []).map((r) => ({
      outcome: r.outcome,
      summary: r.summary,
      at: r.at,
      by: r.by,
      dryRun: r.dryRun,
      exitCode: r.data.exitCode,
      findings: Array.isArray(r.data.results) ? (r.data.results as CheckResult[]) : undefined,
      warnings: Array.isArray(r.data.warnings) ? r.data.warnings.map(String) : undefined,
      output: Array.isArray(r.data.tail) ? r.data.tail.map(String) : undefined,
      engine: resultEngineLabel(engines, r.data),
    })),
  };
}

export function buildReport(
  stateIn: SessionState,
  entries: readonly JournalEntry[],
  chain: ChainReport,
  /** Keys known to the reader: a sign-off with any other key is reported as by an unknown key. */
  known: KnownKeys = NO_KNOWN_KEYS,
): Report {
  const state = settle(stateIn);
  const signedEntries = entries.filter((e) => e.type === 'session.signed');
  const incident = incidentReport(state, entries);
  const engines = enginesOf(entries);
  return {
    session: state.id,
    runbook: {
      id: state.runbook.id,
      title: state.runbook.title,
      kind: state.runbook.kind,
      file: state.runbookFile,
      sha256: state.runbookSha256,
    },
    inputs: state.inputs,
    operator: state.operator,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    // A journal that fails verification is never reported as signed or complete.
    status: chain.ok ? state.status : 'damaged',
    progress: state.phases.map((p) => ({
      phase: p.id,
      title: p.title,
      resolved: p.resolved,
      total: p.total,
    })),
    counts: outcomeCounts(state),
    acceptedRisks: acceptedRisks(state),
    phases: state.runbook.phases.map((p) => ({
      id: p.id,
      title: p.title,
      steps: p.steps.map((s) => reportStep(state.steps[s.id], s, engines)),
    })),
    engines,
    notes: state.notes.map((n) => ({ text: n.text, by: n.by, at: n.at })),
    timeline: entries.map((e) => ({
      seq: e.seq,
      ts: e.ts,
      operator: e.operator,
      type: e.type,
      step: e.step,
      summary: summarize(e),
    })),
    signoffs: signedEntries.map((e) => ({
      signer: String(e.data.signer ?? ''),
      statement: String(e.data.statement ?? ''),
      signedAt: String(e.data.signedAt ?? ''),
      keyFingerprint: String(e.data.keyFingerprint ?? ''),
      key: keyTrust(String(e.data.keyFingerprint ?? ''), known),
      head: String(e.data.head ?? ''),
      signature: String(e.data.signature ?? ''),
      entryHash: e.hash,
    })),
    integrity: {
      chainOk: chain.ok,
      entries: chain.entries,
      head: chain.head,
      problem: chain.problem
        ? `line ${chain.problem.line}${chain.problem.seq ? ` (seq ${chain.problem.seq})` : ''}: ${chain.problem.reason}`
        : undefined,
    },
    ...(incident ? { incident } : {}),
  };
}
