/** The report as Markdown: header, progress, accepted risks, phases, incident, sign-off, timeline. Pure. */
import { countsText, riskName } from '../engine/outcomes.js';
import { TRUST_TEXT } from '../journal/key-trust.js';
import type { IncidentReport, Report } from './types.js';
import { terminalText } from '../engine/terminal-text.js';

/** Lines of a step's recorded output quoted in the Markdown report (JSON keeps all). */
const REPORT_OUTPUT_LINES = 40;

/** Step marks; an accepted failure has its own (`[⚑]`), never the `[x]` of a pass. */
const MARK: Record<string, string> = {
  done: '[x]',
  accepted: '[⚑]',
  skipped: '[-]',
  failed: '[!]',
  pending: '[ ]',
  running: '[~]',
  interrupted: '[?]',
};

/** A value inside a table row or a line: one line, `|` escaped, no HTML from the data. */
function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(r: Report): string {
  const out: string[] = [];
  out.push(`# ${r.runbook.title}: session ${r.session}`, '');
  if (!r.integrity.chainOk) {
    out.push(
      `> **WARNING: this journal fails verification (${r.integrity.problem}).** Everything below is`,
      '> shown as recorded, but from that entry on it cannot be trusted, and no sign-off vouches',
      '> for it. Run `warden verify` and keep the original file.',
      '',
    );
  }
  out.push(
    `- Runbook: \`${r.runbook.id}\` (${r.runbook.kind}), sha256 \`${r.runbook.sha256.slice(0, 16)}…\``,
  );
  out.push(`- Started: ${r.startedAt} by ${r.operator}`);
  out.push(`- Last entry: ${r.updatedAt}`);
  const lastKey = r.signoffs.at(-1)?.key;
  const byUnknown = r.status === 'signed' && lastKey === 'unknown' ? ' by an unknown key' : '';
  out.push(`- Status: **${r.status}**${byUnknown}; ${countsText(r.counts)}`);
  if (Object.keys(r.inputs).length)
    out.push(
      `- Inputs: ${Object.entries(r.inputs)
        .map(([k, v]) => `${k}=\`${v}\``)
        .join(', ')}`,
    );
  out.push(
    `- Journal: ${r.integrity.entries} entries, head \`${r.integrity.head}\`, chain ${r.integrity.chainOk ? `verified${byUnknown ? ' (it proves order and integrity, not who wrote it: signed by an unknown key)' : ''}` : `**BROKEN** (${r.integrity.problem})`}`,
  );
  out.push('', '## Progress', '', '| Phase | Resolved |', '| --- | --- |');
  for (const p of r.progress) out.push(`| ${esc(p.title)} | ${p.resolved}/${p.total} |`);
  renderAcceptedRisks(out, r);
  renderEngines(out, r);
  // Only a session that spans engines says, on each run, which one it was.
  const on = (res: { engine?: string }) =>
    r.engines.length > 1 && res.engine ? ` on ${res.engine}` : '';
  for (const phase of r.phases) {
    out.push('', `## ${phase.title}`, '');
    for (const s of phase.steps) {
      const who = s.by ? ` by ${s.by} at ${s.at}` : '';
      out.push(
        `- ${MARK[s.outcome] ?? '[ ]'} **${s.title}** (\`${s.id}\`, ${s.type}${s.severity ? `, ${s.severity}` : ''}): ${s.outcome === 'accepted' ? 'accepted risk' : s.status}${who}`,
      );
      if (s.reason) out.push(`  - ${s.accepted ? 'Accepted because' : 'Reason'}: ${s.reason}`);
      if (s.failure) out.push(`  - Failure: ${s.failure}`);
      for (const o of s.overrides)
        out.push(`  - Gate overridden (${o.unmet.join(', ')}) by ${o.by} at ${o.at}: ${o.reason}`);
      for (const res of s.results) {
        out.push(
          `  - ${res.dryRun ? 'Dry run' : 'Run'} at ${res.at} by ${res.by}${on(res)}: ${res.outcome}: ${res.summary}`,
        );
        for (const w of res.warnings ?? []) out.push(`    - **Warning**: ${w}`);
        for (const f of (res.findings ?? []).filter((x) => x.verdict === 'fail')) {
          out.push(
            `    - ${f.severity} \`${f.check}\` ${f.target}: ${f.title}${f.evidence ? ` (${f.evidence})` : ''}`,
          );
        }
        const output = res.output ?? [];
        if (output.length > 0 && !res.dryRun) {
          const shown = output.slice(-REPORT_OUTPUT_LINES);
          out.push(
            `    - Output${shown.length < output.length ? ` (last ${shown.length} of ${output.length} lines)` : ''}:`,
            '',
            '      ```',
            ...shown.map((l) => `      ${l.replace(/```/g, "'''")}`),
            '      ```',
            '',
          );
        }
      }
      for (const n of s.notes) out.push(`  - Note by ${n.by} at ${n.at}: ${n.text}`);
      if (s.refs.length) out.push(`  - Refs: ${s.refs.join(', ')}`);
    }
  }
  if (r.notes.length) {
    out.push('', '## Session notes', '');
    for (const n of r.notes) out.push(`- ${n.at} ${n.by}: ${n.text}`);
  }
  if (r.incident) renderIncident(out, r.incident);
  out.push('', '## Sign-off', '');
  if (!r.integrity.chainOk && r.signoffs.length > 0)
    out.push(
      '**NOT VALID: the journal fails verification; the sign-offs below do not cover what is shown.**',
      '',
    );
  if (r.signoffs.length === 0) out.push('Not signed off.');
  else if (r.counts.accepted > 0)
    out.push(
      `The sign-off covers ${r.counts.accepted} step(s) accepted as risks (see Accepted risks).`,
      '',
    );
  for (const s of r.signoffs) {
    out.push(
      `- Signed by **${s.signer}** at ${s.signedAt}${s.key === 'unknown' ? ', signed by an unknown key' : ''}`,
      `  - Statement: ${s.statement || '(none)'}`,
      `  - Signed head: \`${s.head}\``,
      `  - Key: \`${s.keyFingerprint}\` (Ed25519): ${TRUST_TEXT[s.key]}`,
      `  - Signature: \`${s.signature}\``,
      `  - Sign-off entry hash: \`${s.entryHash}\``,
    );
  }
  out.push(
    '',
    '## Timeline (UTC)',
    '',
    '| # | Time | Who | Step | Entry |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const t of r.timeline)
    out.push(`| ${t.seq} | ${t.ts} | ${esc(t.operator)} | ${t.step ?? ''} | ${esc(t.summary)} |`);
  out.push('');
  // Titles, names, output and notes come from containers, engines and files: no escape sequence
  // reaches whoever `cat`s the report (Warden's own Markdown has no control characters).
  return terminalText(out.join('\n'), 'block');
}

function renderIncident(out: string[], inc: IncidentReport): void {
  out.push('', '## Incident summary', '', `- ${inc.summary}`);
  if (inc.incidentStart)
    out.push(
      `- Incident start: ${inc.incidentStart.at} (${inc.incidentStart.source === 'input' ? `the alert time${inc.incidentStart.setBy ? `, set by ${esc(inc.incidentStart.setBy)} at ${inc.incidentStart.setAt}` : ', given at the start'}` : "the session's start: no alert time was recorded"})`,
    );
  for (const r of inc.replacements)
    out.push(
      `- Target replaced: ${esc(r.original.name)} (\`${r.original.id.slice(0, 12)}\`) by ${esc(r.replacement.name)} (\`${r.replacement.id.slice(0, 12)}\`${r.replacement.image ? `, ${esc(r.replacement.image)}` : ''}), recorded by ${esc(r.by)} at ${r.at}${r.reason ? `: ${esc(r.reason)}` : ''}`,
    );
  out.push(
    `- Time to contain: ${inc.timeToContain ? `${inc.timeToContain.text} (${inc.timeToContain.from} → ${inc.timeToContain.to})` : 'not contained'}`,
  );
  out.push(
    `- Time to recover: ${inc.timeToRecover ? `${inc.timeToRecover.text} (${inc.timeToRecover.from} → ${inc.timeToRecover.to})` : 'not recovered'}`,
  );
  out.push('', '## Actions', '');
  if (inc.actions.length === 0) out.push('None.');
  else {
    out.push(
      '| # | Time (UTC) | Who | Step | Action | Result |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const a of inc.actions)
      out.push(
        `| ${a.seq} | ${a.at} | ${esc(a.by)} | ${a.step ?? '(ad hoc)'} | ${a.dryRun ? 'dry run ' : ''}${a.action} | ${a.status === 'done' ? `${a.outcome}: ${esc(a.summary ?? '')}` : a.status}${a.overrideReason ? ` (safety rule overridden: ${esc(a.overrideReason)})` : ''} |`,
      );
  }
  out.push('', '## Evidence', '');
  if (inc.evidence.length === 0) out.push('None collected.');
  for (const ev of inc.evidence) {
    out.push(
      `- ${ev.at} ${ev.container}: ${ev.complete ? 'complete' : ev.cancelled ? '**INCOMPLETE** (cancelled by the operator)' : '**INCOMPLETE**'}${ev.eventsSince ? `, engine events since ${ev.eventsSince} only` : ''}, manifest \`${ev.manifest}\` sha256 \`${ev.manifestSha256 ?? 'none'}\``,
    );
    for (const f of ev.files)
      out.push(`  - \`${f.path}\` (${f.kind}, ${f.bytes} bytes) sha256 \`${f.sha256}\``);
  }
  out.push('', '## Backups', '');
  if (inc.backups.length === 0) out.push('None taken.');
  for (const b of inc.backups) {
    out.push(
      `- ${b.at} ${b.container}: \`${b.dir}\`${b.encrypted ? ' (AES-256-GCM)' : ''}, manifest sha256 \`${b.manifestSha256}\``,
    );
    for (const a of b.archives)
      out.push(`  - ${a.destination}: \`${a.path}\` (${a.bytes} bytes) sha256 \`${a.sha256}\``);
  }
  if (inc.restores.length) {
    out.push('', '### Restores and their verification', '');
    for (const r of inc.restores) {
      out.push(
        `- ${r.at} into ${r.container} from \`${r.backup}\` (taken ${r.backupCreatedAt}): ${r.outcome}: ${esc(r.summary)}`,
      );
      for (const w of r.warnings) out.push(`  - Warning: ${w}`);
    }
  }
  if (inc.lessons.length) {
    out.push('', '## Lessons learned', '');
    for (const l of inc.lessons) {
      out.push(`- **${l.question}**`);
      if (l.answers.length === 0) out.push('  - (not answered)');
      for (const a of l.answers) out.push(`  - ${a}`);
    }
  }
}

/** Accepted failures, worst first, each with who accepted it and why: the reviewer reads these. */
function renderAcceptedRisks(out: string[], r: Report): void {
  if (r.acceptedRisks.length === 0) return;
  out.push(
    '',
    '## Accepted risks',
    '',
    '| Severity | Step | Finding | Accepted by | Reason |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const a of r.acceptedRisks)
    out.push(
      `| ${a.severity ?? '-'} | \`${a.stepId}\` | ${esc(riskName(a))} | ${esc(a.by)} at ${a.at} | ${esc(a.reason)} |`,
    );
}

/** Where the checks and actions ran: one line per engine, with what ran on it. */
function renderEngines(out: string[], r: Report): void {
  if (r.engines.length === 0) return;
  out.push('', r.engines.length > 1 ? '## Engines (this session spans them)' : '## Engine', '');
  for (const e of r.engines) {
    const where = [
      e.engine.context ? `context \`${e.engine.context}\`` : undefined,
      `\`${e.engine.endpoint}\``,
      e.engine.id ? `engine ID \`${e.engine.id}\`` : 'did not answer',
      e.engine.version ? `Docker ${e.engine.version}` : undefined,
    ].filter(Boolean);
    const what = [
      e.steps.length ? `steps ${e.steps.map((s) => `\`${s}\``).join(', ')}` : undefined,
      e.actions.length ? `ad-hoc ${e.actions.map((a) => `\`${a}\``).join(', ')}` : undefined,
    ].filter(Boolean);
    out.push(`- **${esc(e.label)}** (${where.join(', ')}): ${what.join('; ')}`);
  }
}
