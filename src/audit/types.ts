/** The audit report: what every output format is rendered from. Pure data. */
import type { SegmentRow } from '../checks/rules-networks.js';
import type { Severity } from '../runbook/types.js';
import type { Evaluation, FindingTarget, Remediation, SourceLocation } from '../checks/types.js';

export type FindingSeverity = Exclude<Severity, 'info'>;
export const SEVERITY_ORDER: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low'];

export function severityRank(s: Severity): number {
  const i = SEVERITY_ORDER.indexOf(s as FindingSeverity);
  return i < 0 ? SEVERITY_ORDER.length : i;
}

export interface Finding {
  check: string;
  severity: Severity;
  title: string;
  target: FindingTarget;
  evidence: string;
  remediation: Remediation;
  /** In the JSON output, absent when no reference applies. */
  refs: { cis?: string; dockle?: string };
  /** Compose: the file and line holding the setting (an extended file, an env_file). */
  location?: SourceLocation;
}

export interface IgnoreEntry {
  check: string;
  target: string;
  reason: string;
  owner?: string;
  /** `YYYY-MM-DD`; the entry stops suppressing after this day. */
  expires?: string;
  line?: number;
}

export interface SuppressedFinding extends Finding {
  suppressedBy: { reason: string; owner?: string; expires?: string };
}

export interface AuditTarget extends FindingTarget {
  state?: string;
  counts: { pass: number; fail: number; notApplicable: number; suppressed: number };
}

export interface EngineSummary {
  reached: boolean;
  endpoint?: string;
  name?: string;
  version?: string;
  securityOptions?: string[];
  /** Why it was not reached, when it was not. */
  message?: string;
  /**
   * Where the processes of running containers were read: `proc` (this machine's /proc, one pass),
   * `top` (the engine's top, per container) or `proc+top`; absent when none was running.
   */
  processSource?: 'proc' | 'top' | 'proc+top';
}

export interface AuditReport {
  tool: { name: string; version: string };
  scannedAt: string;
  engine: EngineSummary;
  targets: AuditTarget[];
  findings: Finding[];
  suppressed: SuppressedFinding[];
  expiredIgnores: IgnoreEntry[];
  notApplicable: { check: string; target: FindingTarget; reason: string }[];
  summary: Record<FindingSeverity, number>;
  /** The networks scope: each network with its members (who can reach whom); absent when none. */
  segments?: SegmentRow[];
  /** A fleet audit: each engine (by its Docker context), reached or not. */
  engines?: (EngineSummary & { context: string })[];
  /** Every check × target verdict (JUnit renders all of them); not part of the JSON output. */
  evaluations: Evaluation[];
}
