/** The JSON output (documented in the README, "JSON format"). Pure. */
import type { AuditReport } from './types.js';

export function formatJson(report: AuditReport): string {
  const { evaluations: _all, ...rest } = report;
  return JSON.stringify(rest, null, 2) + '\n';
}
