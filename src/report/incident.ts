/**
 * The incident part of the report model: target, times to contain and recover, actions,
 * evidence, backups, restores and the lessons learned. Pure.
 */
import type { JournalEntry } from '../journal/types.js';
import { INCIDENT_START_INPUT, incidentStart } from '../engine/safety.js';
import type { SessionState } from '../engine/state.js';
import type { Duration, IncidentReport } from './types.js';

export function duration(from: string | undefined, to: string | undefined): Duration | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  if (!(ms >= 0)) return undefined;
  const s = Math.round(ms / 1000);
  const text =
    s < 60
      ? `${s} s`
      : s < 3600
        ? `${Math.floor(s / 60)} min ${s % 60} s`
        : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return { from, to, ms, text };
}

export function incidentReport(
  state: SessionState,
  entries: readonly JournalEntry[],
): IncidentReport | undefined {
  const log = state.actionLog ?? [];
  if (state.runbook.kind !== 'incident' && log.length === 0) return undefined;
  const phaseOf = new Map<string, string>();
  for (const p of state.runbook.phases) for (const st of p.steps) phaseOf.set(st.id, p.id);
  const real = log.filter((a) => !a.dryRun);
  // The clock starts when the incident did (the alert time, else the session's start); an ad-hoc
  // session has neither: its first detect-phase entry, else its first action.
  const start = incidentStart(state);
  const setting = (state.inputChanges ?? []).filter((c) => c.input === INCIDENT_START_INPUT).at(-1);
  const firstDetect =
    start?.at ??
    entries.find((e) => e.step !== undefined && phaseOf.get(e.step) === 'detect')?.ts ??
    real[0]?.at ??
    state.startedAt;
  const contained = real.find((a) => a.action === 'isolate' && a.outcome === 'ok')?.result?.at;
  const recoverPhase = state.phases.find((p) => p.id === 'recover');
  let recovered: string | undefined;
  if (recoverPhase && recoverPhase.total > 0 && recoverPhase.resolved === recoverPhase.total) {
    recovered = state.runbook.phases
      .find((p) => p.id === 'recover')
      ?.steps.map((st) => state.steps[st.id]?.resolved?.at ?? '')
      .sort()
      .at(-1);
  } else {
    recovered = real
      .filter((a) => ['restore', 'unisolate', 'health'].includes(a.action) && a.outcome === 'ok')
      .at(-1)?.result?.at;
  }
  const review = state.runbook.phases.find((p) => p.id === 'review');
  const lessons = (review?.steps ?? []).map((st) => ({
    question: st.title,
    answers: entries
      .filter((e) => e.step === st.id && (e.type === 'note.added' || e.type === 'step.done'))
      .map((e) => String(e.type === 'note.added' ? (e.data.text ?? '') : (e.data.note ?? '')))
      .filter(Boolean),
  }));
  const evidence = (state.evidence ?? []).map((ev) => ({
    at: ev.at,
    container: ev.container.name,
    complete: ev.complete,
    ...(ev.cancelled ? { cancelled: true } : {}),
    ...(ev.eventsCoverage && !ev.eventsCoverage.complete && ev.eventsCoverage.since
      ? { eventsSince: ev.eventsCoverage.since }
      : {}),
    manifest: ev.manifest,
    manifestSha256: ev.manifestSha256,
    files: ev.files,
  }));
  const target = state.inputs.target ?? state.inputs.container;
  const counts = [
    `${real.length} action(s)`,
    `${evidence.length} snapshot(s) (${evidence.filter((e) => e.complete).length} complete)`,
    `${(state.backups ?? []).length} backup(s)`,
    `${(state.restores ?? []).length} restore(s)`,
  ].join(', ');
  return {
    ...(target ? { target } : {}),
    summary: `${target ? `target ${target}: ` : ''}${counts}${contained ? '; contained' : '; not contained'}${recovered ? ', recovered' : ''}`,
    ...(start
      ? {
          incidentStart: {
            ...start,
            ...(setting && start.source === 'input'
              ? { setBy: setting.by, setAt: setting.at }
              : {}),
          },
        }
      : {}),
    replacements: (state.replacements ?? []).map((r) => ({
      at: r.at,
      by: r.by,
      original: { id: r.original.id, name: r.original.name },
      replacement: r.replacement,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    timeToContain: duration(firstDetect, contained),
    timeToRecover: duration(firstDetect, recovered),
    actions: log.map((a) => ({
      seq: a.seq,
      at: a.at,
      by: a.by,
      step: a.step,
      action: a.action,
      adhoc: a.adhoc,
      dryRun: a.dryRun,
      status: a.status,
      outcome: a.outcome,
      summary: a.summary,
      ...(typeof a.intent.overrideReason === 'string'
        ? { overrideReason: a.intent.overrideReason }
        : {}),
    })),
    evidence,
    backups: (state.backups ?? []).map((b) => ({
      at: b.at,
      container: b.container.name,
      dir: b.dir,
      manifestSha256: b.manifestSha256,
      encrypted: b.encrypted,
      archives: b.archives,
    })),
    restores: (state.restores ?? []).map((r) => ({
      at: r.at,
      container: r.container.name,
      backup: r.backup,
      backupCreatedAt: r.backupCreatedAt,
      outcome: r.outcome,
      summary: r.summary,
      warnings: r.warnings,
    })),
    lessons,
  };
}
