/** The audit screen's data: findings grouped by severity then target, and one finding's detail. Pure. */
import { targetKey, targetLabel } from '../../audit/report.js';
import { fixParts, isContainerSetting } from '../../checks/remediation.js';
import { isHostTarget } from '../../checks/targets.js';
import {
  SEVERITY_ORDER,
  type AuditReport,
  type Finding,
  type FindingSeverity,
} from '../../audit/types.js';
import type { Tone } from '../theme.js';
import { shortTime, wrapLines, type Line } from '../text.js';
import { matchesFilter } from '../filter.js';

export type AuditRow =
  | { kind: 'severity'; text: string; tone: Tone }
  | { kind: 'target'; text: string }
  | { kind: 'finding'; index: number; text: string; tone: Tone };

export const SEVERITY_TONE: Record<string, Tone> = {
  critical: 'danger',
  high: 'danger',
  medium: 'warn',
  low: 'info',
};

/**
 * Findings in display order (severity, then target, then check) that match the `/` filter (check,
 * title, target, severity): what the list selects from.
 */
export function orderedFindings(report: AuditReport, filter = ''): Finding[] {
  const rank = (f: Finding) => {
    const i = SEVERITY_ORDER.indexOf(f.severity as FindingSeverity);
    return i < 0 ? SEVERITY_ORDER.length : i;
  };
  const shown = report.findings.filter((f) =>
    matchesFilter(filter, f.check, f.title, f.severity, targetLabel(f.target)),
  );
  return shown.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      targetLabel(a.target).localeCompare(targetLabel(b.target)) ||
      a.check.localeCompare(b.check),
  );
}

export function auditRows(report: AuditReport, filter = ''): AuditRow[] {
  const rows: AuditRow[] = [];
  const findings = orderedFindings(report, filter);
  let sev = '';
  let target = '';
  findings.forEach((f, index) => {
    if (f.severity !== sev) {
      sev = f.severity;
      target = '';
      const n = findings.filter((x) => x.severity === sev).length;
      rows.push({
        kind: 'severity',
        text: `${sev.toUpperCase()} · ${n}`,
        tone: SEVERITY_TONE[sev] ?? 'muted',
      });
    }
    const key = targetKey(f.target);
    if (key !== target) {
      target = key;
      const state = report.targets.find((t) => targetKey(t) === key)?.state;
      // A container or compose service by its name; anything else says what it is. In a fleet
      // audit every group names its engine first.
      const local =
        f.target.kind === 'container' || f.target.kind === 'compose'
          ? f.target.name
          : targetLabel({ ...f.target, context: undefined });
      const name = isHostTarget(f.target)
        ? targetLabel(f.target)
        : f.target.context
          ? `${f.target.context}: ${local}`
          : local;
      rows.push({ kind: 'target', text: `${name}${state ? ` [${state}]` : ''}` });
    }
    rows.push({
      kind: 'finding',
      index,
      text: `${f.check} — ${f.title}`,
      tone: SEVERITY_TONE[f.severity] ?? 'muted',
    });
  });
  return rows;
}

/** `2 critical, 5 high, 0 medium, 1 low · 6 targets` (the daemon is a target too). */
export function summaryText(report: AuditReport): string {
  const s = report.summary;
  const n = report.targets.length;
  const onlyDaemon = n > 0 && report.targets.every(isHostTarget);
  return (
    `${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low · ` +
    `${n} target${n === 1 ? '' : 's'}${onlyDaemon ? ' · no containers' : ''}`
  );
}

export function engineText(report: AuditReport): string {
  const engines = report.engines ?? [];
  if (engines.length > 1) {
    const missed = engines.filter((x) => !x.reached).map((x) => x.context);
    return `${engines.length} engines: ${engines.map((x) => x.context).join(', ')}${missed.length ? ` (not reached: ${missed.join(', ')})` : ''} · scanned ${shortTime(report.scannedAt)}`;
  }
  const e = report.engine;
  const name = [e.name, e.version ? `Docker ${e.version}` : ''].filter(Boolean).join(' · ');
  return `${name || 'engine'}${e.endpoint ? ` at ${e.endpoint}` : ''} · scanned ${shortTime(report.scannedAt)}`;
}

export function findingLines(f: Finding, width: number): Line[] {
  const out: Line[] = [];
  const add = (text: string, tone?: Tone, indent = '') =>
    out.push(...wrapLines(text, width, tone, indent));
  out.push(...wrapLines(f.title, width).map((l) => ({ ...l, bold: true })));
  add(`${f.severity.toUpperCase()} · ${f.check}`, SEVERITY_TONE[f.severity]);
  add(targetLabel(f.target), 'muted');
  if (f.evidence) add(`found: ${f.evidence}`);
  out.push({ text: '' }, { text: 'Fix', tone: 'accent', bold: true });
  if (!isContainerSetting(f.remediation)) {
    // Not a container's setting: nothing to `docker update`, no container to recreate.
    for (const p of fixParts(f.remediation)) {
      add(`${p.label}:`, 'muted');
      for (const l of p.text.split('\n')) add(l, 'info', '  ');
      if (p.then) add(p.then, 'warn');
    }
    if (f.refs.cis) add(`CIS Docker Benchmark ${f.refs.cis}`, 'muted');
    return out;
  }
  if (f.remediation.compose) {
    add('compose:', 'muted');
    for (const l of f.remediation.compose.split('\n')) add(l, 'info', '  ');
  }
  if (f.remediation.run) {
    add('docker run:', 'muted');
    add(f.remediation.run, 'info', '  ');
  }
  const flags = f.remediation.run.trim();
  if (f.remediation.live && f.target.kind === 'container' && /^--[\w-]+( \S+)?$/.test(flags)) {
    add('live fix, no restart:', 'ok');
    add(`docker update ${flags} ${f.target.name}`, 'ok', '  ');
  } else {
    add(
      f.remediation.live
        ? 'live: `docker update` can apply it to the running container'
        : 'recreate: `docker update` cannot change this; recreate the container with the fix',
      f.remediation.live ? 'ok' : 'warn',
    );
  }
  if (f.refs.cis) add(`CIS Docker Benchmark ${f.refs.cis}`, 'muted');
  return out;
}
