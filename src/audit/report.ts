/** Evaluations → AuditReport (findings, suppressions, summary) and the exit-code rule. Pure. */
import type { Severity } from '../runbook/types.js';
import type { Evaluation, FindingTarget } from '../checks/types.js';
import { applyIgnores } from './ignore.js';
import {
  SEVERITY_ORDER,
  severityRank,
  type AuditReport,
  type AuditTarget,
  type EngineSummary,
  type Finding,
  type FindingSeverity,
  type IgnoreEntry,
} from './types.js';

import { targetKey, targetLabel } from '../checks/targets.js';

export { targetKey, targetLabel };

export interface BuildReportInput {
  tool: { name: string; version: string };
  now: Date;
  engine: EngineSummary;
  evaluations: Evaluation[];
  /** Live state per container target key, for the targets list. */
  states?: Record<string, string | undefined>;
  ignores?: IgnoreEntry[];
}

function toFinding(e: Evaluation): Finding {
  return {
    check: e.check,
    severity: e.severity,
    title: e.title,
    target: e.target,
    evidence: e.evidence ?? '',
    remediation: e.remediation,
    refs: e.refs,
    ...(e.location ? { location: e.location } : {}),
  };
}

const collator = new Intl.Collator();

/** Worst first, then by target and check. Each finding's label is made once, not per comparison. */
function sortWorstFirst(findings: Finding[]): void {
  const label = new Map(findings.map((f) => [f, targetLabel(f.target)]));
  findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      collator.compare(label.get(a) ?? '', label.get(b) ?? '') ||
      collator.compare(a.check, b.check),
  );
}

export function buildReport(input: BuildReportInput): AuditReport {
  const failed = input.evaluations.filter((e) => e.verdict === 'fail').map(toFinding);
  const { findings, suppressed, expired } = applyIgnores(failed, input.ignores ?? [], input.now);
  sortWorstFirst(findings);
  sortWorstFirst(suppressed);
  const targets = new Map<string, AuditTarget>();
  for (const e of input.evaluations) {
    const key = targetKey(e.target);
    let t = targets.get(key);
    if (!t) {
      // A finding's line is the setting's; the target itself is listed without one.
      const { line: _line, ...base } = e.target;
      const state = input.states?.[key];
      t = {
        ...base,
        ...(state !== undefined ? { state } : {}),
        counts: { pass: 0, fail: 0, notApplicable: 0, suppressed: 0 },
      };
      targets.set(key, t);
    }
    if (e.verdict === 'pass') t.counts.pass++;
    else if (e.verdict === 'not-applicable') t.counts.notApplicable++;
  }
  for (const f of findings) {
    const t = targets.get(targetKey(f.target));
    if (t) t.counts.fail++;
  }
  for (const f of suppressed) {
    const t = targets.get(targetKey(f.target));
    if (t) t.counts.suppressed++;
  }
  const summary = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<
    FindingSeverity,
    number
  >;
  for (const f of findings) if (f.severity in summary) summary[f.severity as FindingSeverity]++;
  return {
    tool: input.tool,
    scannedAt: input.now.toISOString(),
    engine: input.engine,
    targets: [...targets.values()],
    findings,
    suppressed,
    expiredIgnores: expired,
    notApplicable: input.evaluations
      .filter((e) => e.verdict === 'not-applicable')
      .map((e) => ({ check: e.check, target: e.target, reason: e.reason ?? '' })),
    summary,
    evaluations: input.evaluations,
  };
}

/** 1 when a finding at or above `failOn` remains (suppressed ones do not count), else 0. */
export function exitCodeFor(report: AuditReport, failOn: Severity): number {
  const limit = severityRank(failOn);
  return report.findings.some((f) => severityRank(f.severity) <= limit) ? 1 : 0;
}
