/**
 * A fleet audit's report: the reports of several engines (one per Docker context) as one, each
 * target, finding and evaluation tagged with its context, so every format renders it as it renders
 * one engine (a JUnit suite, a SARIF location, a table group per context and target). An engine
 * that did not answer is listed as not reached; the others are reported in full. Pure.
 */
import type { Evaluation } from '../checks/types.js';
import {
  SEVERITY_ORDER,
  severityRank,
  type AuditReport,
  type EngineSummary,
  type FindingSeverity,
} from './types.js';

export interface FleetPart {
  context: string;
  endpoint: string;
  /** Undefined when the engine was not reached. */
  report?: AuditReport;
  /** Why it was not reached. */
  message?: string;
}

const tag = <T extends { target: Evaluation['target'] }>(x: T, context: string): T => ({
  ...x,
  target: { ...x.target, context },
});

export function mergeFleet(
  parts: readonly FleetPart[],
  meta: { tool: AuditReport['tool']; scannedAt: string },
): AuditReport {
  const engines: (EngineSummary & { context: string })[] = parts.map((p) =>
    p.report
      ? { ...p.report.engine, context: p.context, endpoint: p.report.engine.endpoint ?? p.endpoint }
      : {
          reached: false,
          context: p.context,
          endpoint: p.endpoint,
          message: p.message ?? 'not reached',
        },
  );
  const reached = parts.filter((p): p is FleetPart & { report: AuditReport } => !!p.report);
  const summary = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<
    FindingSeverity,
    number
  >;
  for (const p of reached) for (const s of SEVERITY_ORDER) summary[s] += p.report.summary[s] ?? 0;
  const each = <K extends 'findings' | 'suppressed' | 'notApplicable' | 'evaluations'>(k: K) =>
    reached.flatMap((p) =>
      (p.report[k] as { target: Evaluation['target'] }[]).map((x) => tag(x, p.context)),
    ) as unknown as AuditReport[K];
  const targets = reached.flatMap((p) =>
    p.report.targets.map((t) => ({ ...t, context: p.context })),
  );
  const segments = reached.flatMap((p) => p.report.segments ?? []);
  return {
    tool: meta.tool,
    scannedAt: meta.scannedAt,
    // Reached: every engine answered; `engines` says which did not.
    engine: {
      reached: reached.length === parts.length,
      endpoint: parts.map((p) => p.context).join(', '),
      ...(reached.length < parts.length
        ? {
            message: `${parts.length - reached.length} of ${parts.length} engines not reached: ${parts
              .filter((p) => !p.report)
              .map((p) => p.context)
              .join(', ')}`,
          }
        : {}),
    },
    engines,
    targets,
    // Worst first across the fleet, as in one engine's report (stable: engine order within).
    findings: [...each('findings')].sort(
      (a, b) => severityRank(a.severity) - severityRank(b.severity),
    ),
    suppressed: each('suppressed'),
    expiredIgnores: reached[0]?.report.expiredIgnores ?? [],
    notApplicable: each('notApplicable'),
    summary,
    ...(segments.length ? { segments } : {}),
    evaluations: each('evaluations'),
  };
}
