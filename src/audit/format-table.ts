/** The human table: grouped by target, worst first, then a summary line. Pure. */
import { terminalText } from '../engine/terminal-text.js';
import { targetKey, targetLabel } from './report.js';
import { severityRank, type AuditReport, type Finding } from './types.js';

export function formatTable(report: AuditReport): string {
  const lines: string[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const k = targetKey(f.target);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const ordered = [...groups.values()].sort(
    (a, b) =>
      Math.min(...a.map((f) => severityRank(f.severity))) -
        Math.min(...b.map((f) => severityRank(f.severity))) || b.length - a.length,
  );
  const checkWidth = Math.max(10, ...report.findings.map((f) => f.check.length));
  for (const group of ordered) {
    const first = group[0];
    if (!first) continue;
    const state = report.targets.find((t) => targetKey(t) === targetKey(first.target))?.state;
    lines.push(`${targetLabel(first.target)}${state ? `  [${state}]` : ''}`);
    for (const f of group) {
      const loc = f.location;
      const where = loc
        ? loc.file !== f.target.file
          ? ` (${loc.file} line ${loc.line})`
          : ` (line ${loc.line})`
        : (f.target.kind === 'compose' || f.target.kind === 'network') && f.target.line
          ? ` (line ${f.target.line})`
          : '';
      const cis = f.refs.cis ? ` [CIS ${f.refs.cis}]` : '';
      lines.push(
        `  ${f.severity.toUpperCase().padEnd(8)}  ${f.check.padEnd(checkWidth)}  ${f.title}${cis}${where}`,
      );
      if (f.evidence) lines.push(`  ${' '.repeat(8)}  ${' '.repeat(checkWidth)}  ${f.evidence}`);
    }
    lines.push('');
  }
  if (report.findings.length === 0) lines.push('No findings.', '');
  // Members of one network reach each other: the segmentation, network by network, per file.
  const byFile = new Map<string, NonNullable<AuditReport['segments']>>();
  for (const s of report.segments ?? [])
    byFile.set(s.file ?? '', [...(byFile.get(s.file ?? '') ?? []), s]);
  for (const [file, segments] of byFile) {
    lines.push(
      `Networks ${file ? `of ${file}` : 'of the engine'} (members of a network reach each other):`,
    );
    for (const s of segments) {
      const members = s.members.map((m) => {
        const notes = [
          ...(m.datastore ? [m.datastore] : []),
          ...(m.published ? [`published ${m.published}`] : []),
        ];
        return `${m.name}${notes.length ? ` (${notes.join(', ')})` : ''}`;
      });
      lines.push(`  ${s.network}${s.internal ? ' [internal]' : ''}: ${members.join(', ')}`);
    }
    lines.push('');
  }
  if (report.suppressed.length) {
    lines.push(`Suppressed (${report.suppressed.length}):`);
    for (const f of report.suppressed)
      lines.push(
        `  ${f.check}  ${targetLabel(f.target)}  — ${f.suppressedBy.reason}${f.suppressedBy.owner ? ` (${f.suppressedBy.owner})` : ''}`,
      );
    lines.push('');
  }
  for (const e of report.expiredIgnores)
    lines.push(
      `Expired ignore entry (no longer suppressing): ${e.check} ${e.target} expired ${e.expires ?? ''}`,
    );
  // A fleet: each engine, reached or not (the others were audited all the same).
  for (const e of report.engines ?? [])
    lines.push(
      e.reached
        ? `Engine ${e.context}: ${e.endpoint ?? ''}${e.name ? ` · ${e.name}` : ''}${e.version ? ` · Docker ${e.version}` : ''}`
        : `Engine ${e.context}: NOT reached (${e.message ?? 'no answer'})`,
    );
  if (report.engines?.length) lines.push('');
  if (!report.engine.reached && !report.engines)
    lines.push(
      `Engine not reached${report.engine.message ? `: ${report.engine.message}` : ''}; audited the compose file only.`,
    );
  const s = report.summary;
  lines.push(
    `${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low across ${report.targets.length} target(s)` +
      (report.suppressed.length ? `; ${report.suppressed.length} suppressed` : '') +
      (report.notApplicable.length ? `; ${report.notApplicable.length} not applicable` : ''),
  );
  // Names, evidence and messages come from the engine and the compose file: each row stays one
  // row, with no escape sequence in it.
  return lines.map((l) => terminalText(l)).join('\n') + '\n';
}
