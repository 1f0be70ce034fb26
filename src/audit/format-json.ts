/** The JSON output (documented in the README, "JSON format"). Pure. */
import type { AuditReport, Finding } from './types.js';
import { jsonText } from '../engine/terminal-text.js';

/** `refs` is left out when no reference applies (the README's contract), not written as `{}`. */
function withoutEmptyRefs<T extends Finding>(f: T): T | Omit<T, 'refs'> {
  if (Object.keys(f.refs).length > 0) return f;
  const { refs: _refs, ...rest } = f;
  return rest;
}

export function formatJson(report: AuditReport): string {
  const { evaluations: _all, ...rest } = report;
  return (
    jsonText({
      ...rest,
      findings: rest.findings.map(withoutEmptyRefs),
      suppressed: rest.suppressed.map(withoutEmptyRefs),
    }) + '\n'
  );
}
