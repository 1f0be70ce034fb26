/**
 * The audit pipeline shared by `warden audit` and the TUI's "Audit this host": read the models
 * (engine and/or compose), evaluate every check, build the report. Pure: ports are handed in.
 *
 * Masking is by construction: checks build evidence from variable names and masked forms, so no
 * value enters the report. The last net (secret-net.ts) runs here on the evaluations, before the
 * report exists and long before anything is rendered; it only touches free-text fields.
 */
import { runAuditCore, type AuditInput } from '../checks/audit-core.js';
import { targetOf } from '../checks/catalog.js';
import { scrubEvaluation, scrubber, secretCandidates } from '../checks/secret-net.js';
import { buildReport, targetKey, type BuildReportInput } from './report.js';
import type { AuditReport } from './types.js';

export interface AuditRunInput extends AuditInput {
  tool: { name: string; version: string };
  now: Date;
  endpoint?: string;
  ignores?: BuildReportInput['ignores'];
}

export interface AuditRunResult {
  report: AuditReport;
  /** Per compose file, the required variables (`${VAR:?}`) it needs that are not set. */
  unset: { file: string; names: string[] }[];
}

export async function auditReport(input: AuditRunInput): Promise<AuditRunResult> {
  const { tool, now, endpoint, ignores, ...core } = input;
  const run = await runAuditCore(core);
  const states: Record<string, string | undefined> = {};
  for (const m of run.live) states[targetKey(targetOf(m))] = m.state;
  const scrub = scrubber(
    secretCandidates([...run.live, ...run.composes.flatMap((c) => c.services)]),
  );
  const report = buildReport({
    tool,
    now,
    engine: { ...run.engine, ...(endpoint ? { endpoint } : {}) },
    evaluations: run.evaluations.map((e) => scrubEvaluation(e, scrub)),
    states,
    ...(ignores ? { ignores } : {}),
  });
  if (run.segments.length > 0) report.segments = run.segments;
  const unset = run.composes
    .filter((c) => c.unset.length > 0)
    .map((c) => ({ file: c.file, names: c.unset }));
  return { report, unset };
}
