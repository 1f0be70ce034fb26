/** JUnit XML: one testsuite per target, one testcase per target × check. Pure. */
import { escapeActive } from '../engine/terminal-text.js';
import { fixText } from '../checks/remediation.js';
import { targetKey, targetLabel } from './report.js';
import type { AuditReport } from './types.js';

export function xmlEscape(s: string): string {
  const escaped = s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
  // Characters a terminal acts on (DEL, C1, bidi controls) are kept, as character references.
  return escapeActive(escaped, (code) => `&#x${code.toString(16).toUpperCase()};`);
}

export function formatJunit(report: AuditReport): string {
  const failed = new Map(report.findings.map((f) => [`${targetKey(f.target)}|${f.check}`, f]));
  const suppressed = new Map(
    report.suppressed.map((f) => [`${targetKey(f.target)}|${f.check}`, f]),
  );
  const suites = new Map<string, string[]>();
  const counts = new Map<string, { tests: number; failures: number; skipped: number }>();
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const e of report.evaluations) {
    const tk = targetKey(e.target);
    const suite = targetLabel(e.target);
    const c = counts.get(tk) ?? { tests: 0, failures: 0, skipped: 0 };
    const key = `${tk}|${e.check}`;
    const head = `    <testcase classname="${xmlEscape(suite)}" name="${xmlEscape(e.check)}">`;
    let body = '';
    const f = failed.get(key);
    const s = suppressed.get(key);
    if (e.verdict === 'fail' && f) {
      body = `\n      <failure type="${f.severity}" message="${xmlEscape(`${f.title}: ${f.evidence}`)}">${xmlEscape(
        `${f.severity} ${f.check}${f.refs.cis ? ` (CIS ${f.refs.cis})` : ''}\n${f.evidence}\n${fixText(
          f.remediation,
          (l) => `fix (${l})`,
        )}`,
      )}</failure>\n    `;
      c.failures++;
      failures++;
    } else if (e.verdict === 'fail' && s) {
      body = `\n      <skipped message="${xmlEscape(`suppressed: ${s.suppressedBy.reason}`)}"/>\n    `;
      c.skipped++;
      skipped++;
    } else if (e.verdict === 'not-applicable') {
      body = `\n      <skipped message="${xmlEscape(`not applicable: ${e.reason ?? ''}`)}"/>\n    `;
      c.skipped++;
      skipped++;
    }
    c.tests++;
    tests++;
    counts.set(tk, c);
    suites.set(tk, [...(suites.get(tk) ?? [suite]), `${head}${body}</testcase>`]);
  }
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="warden audit" tests="${tests}" failures="${failures}" skipped="${skipped}" timestamp="${report.scannedAt}">`,
  ];
  for (const [tk, [name, ...cases]] of suites) {
    const c = counts.get(tk) ?? { tests: 0, failures: 0, skipped: 0 };
    out.push(
      `  <testsuite name="${xmlEscape(name ?? tk)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}">`,
      ...cases,
      '  </testsuite>',
    );
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
