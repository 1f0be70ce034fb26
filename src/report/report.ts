/**
 * Journal → report model → Markdown or JSON. Pure: the report reads only the journal's entries
 * (through the same reducer as resume) and the chain verification result.
 */
import type { ChainReport } from '../journal/chain.js';
import type { JournalEntry } from '../journal/types.js';
import { settle } from '../engine/reducer.js';
import type { SessionState, StepState } from '../engine/state.js';
import type { CheckResult } from '../engine/executors.js';

export interface ReportStep {
  id: string;
  title: string;
  type: string;
  severity?: string;
  refs: string[];
  status: string;
  by?: string;
  at?: string;
  reason?: string;
  failure?: string;
  accepted: boolean;
  notes: { text: string; by: string; at: string }[];
  overrides: { reason: string; unmet: string[]; by: string; at: string }[];
  results: {
    outcome: string;
    summary: string;
    at: string;
    by: string;
    dryRun: boolean;
    exitCode?: unknown;
    findings?: CheckResult[];
    /** Warnings the step raised (e.g. a backup newer than the incident's start). */
    warnings?: string[];
    /** The recorded output (masked, bounded), e.g. a command's or triage's findings. */
    output?: string[];
  }[];
}

export interface Report {
  session: string;
  runbook: { id: string; title: string; kind: string; file: string; sha256: string };
  inputs: Record<string, string>;
  operator: string;
  startedAt: string;
  updatedAt: string;
  status: string;
  progress: { phase: string; title: string; resolved: number; total: number }[];
  counts: Record<string, number>;
  phases: { id: string; title: string; steps: ReportStep[] }[];
  notes: { text: string; by: string; at: string }[];
  timeline: {
    seq: number;
    ts: string;
    operator: string;
    type: string;
    step?: string;
    summary: string;
  }[];
  signoffs: {
    signer: string;
    statement: string;
    signedAt: string;
    keyFingerprint: string;
    head: string;
    signature: string;
    entryHash: string;
  }[];
  integrity: { chainOk: boolean; entries: number; head: string; problem?: string };
  /** Incident work: present for incident runbooks and whenever actions were run. */
  incident?: IncidentReport;
}

export interface Duration {
  from: string;
  to: string;
  ms: number;
  text: string;
}

export interface IncidentReport {
  target?: string;
  summary: string;
  timeToContain?: Duration;
  timeToRecover?: Duration;
  actions: {
    seq: number;
    at: string;
    by: string;
    step?: string;
    action: string;
    adhoc: boolean;
    dryRun: boolean;
    status: string;
    outcome?: string;
    summary?: string;
    overrideReason?: string;
  }[];
  evidence: {
    at: string;
    container: string;
    complete: boolean;
    manifest: string;
    manifestSha256: string | null;
    files: { path: string; bytes: number; sha256: string; kind: string }[];
  }[];
  backups: {
    at: string;
    container: string;
    dir: string;
    manifestSha256: string;
    encrypted: boolean;
    archives: { path: string; destination: string; bytes: number; sha256: string }[];
  }[];
  restores: {
    at: string;
    container: string;
    backup: string;
    backupCreatedAt: string;
    outcome: string;
    summary: string;
    warnings: string[];
  }[];
  lessons: { question: string; answers: string[] }[];
}

function duration(from: string | undefined, to: string | undefined): Duration | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  if (!(ms >= 0)) return undefined;
  const s = Math.round(ms / 1000);
  const text =
    s < 60
      ? `${s} s`
      : s < 3600
        ? `${Math.floor(s / 60)} min ${s % 60} s`
        : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return { from, to, ms, text };
}

function incidentReport(
  state: SessionState,
  entries: readonly JournalEntry[],
): IncidentReport | undefined {
  const log = state.actionLog ?? [];
  if (state.runbook.kind !== 'incident' && log.length === 0) return undefined;
  const phaseOf = new Map<string, string>();
  for (const p of state.runbook.phases) for (const st of p.steps) phaseOf.set(st.id, p.id);
  const real = log.filter((a) => !a.dryRun);
  // Detection starts at the first entry on a detect-phase step, else at the first action.
  const firstDetect =
    entries.find((e) => e.step !== undefined && phaseOf.get(e.step) === 'detect')?.ts ??
    real[0]?.at ??
    state.startedAt;
  const contained = real.find((a) => a.action === 'isolate' && a.outcome === 'ok')?.result?.at;
  const recoverPhase = state.phases.find((p) => p.id === 'recover');
  let recovered: string | undefined;
  if (recoverPhase && recoverPhase.total > 0 && recoverPhase.resolved === recoverPhase.total) {
    recovered = state.runbook.phases
      .find((p) => p.id === 'recover')
      ?.steps.map((st) => state.steps[st.id]?.resolved?.at ?? '')
      .sort()
      .at(-1);
  } else {
    recovered = real
      .filter((a) => ['restore', 'unisolate', 'health'].includes(a.action) && a.outcome === 'ok')
      .at(-1)?.result?.at;
  }
  const review = state.runbook.phases.find((p) => p.id === 'review');
  const lessons = (review?.steps ?? []).map((st) => ({
    question: st.title,
    answers: entries
      .filter((e) => e.step === st.id && (e.type === 'note.added' || e.type === 'step.done'))
      .map((e) => String(e.type === 'note.added' ? (e.data.text ?? '') : (e.data.note ?? '')))
      .filter(Boolean),
  }));
  const evidence = (state.evidence ?? []).map((ev) => ({
    at: ev.at,
    container: ev.container.name,
    complete: ev.complete,
    manifest: ev.manifest,
    manifestSha256: ev.manifestSha256,
    files: ev.files,
  }));
  const target = state.inputs.target ?? state.inputs.container;
  const counts = [
    `${real.length} action(s)`,
    `${evidence.length} snapshot(s) (${evidence.filter((e) => e.complete).length} complete)`,
    `${(state.backups ?? []).length} backup(s)`,
    `${(state.restores ?? []).length} restore(s)`,
  ].join(', ');
  return {
    ...(target ? { target } : {}),
    summary: `${target ? `target ${target}: ` : ''}${counts}${contained ? '; contained' : '; not contained'}${recovered ? ', recovered' : ''}`,
    timeToContain: duration(firstDetect, contained),
    timeToRecover: duration(firstDetect, recovered),
    actions: log.map((a) => ({
      seq: a.seq,
      at: a.at,
      by: a.by,
      step: a.step,
      action: a.action,
      adhoc: a.adhoc,
      dryRun: a.dryRun,
      status: a.status,
      outcome: a.outcome,
      summary: a.summary,
      ...(typeof a.intent.overrideReason === 'string'
        ? { overrideReason: a.intent.overrideReason }
        : {}),
    })),
    evidence,
    backups: (state.backups ?? []).map((b) => ({
      at: b.at,
      container: b.container.name,
      dir: b.dir,
      manifestSha256: b.manifestSha256,
      encrypted: b.encrypted,
      archives: b.archives,
    })),
    restores: (state.restores ?? []).map((r) => ({
      at: r.at,
      container: r.container.name,
      backup: r.backup,
      backupCreatedAt: r.backupCreatedAt,
      outcome: r.outcome,
      summary: r.summary,
      warnings: r.warnings,
    })),
    lessons,
  };
}

function summarize(e: JournalEntry): string {
  const d = e.data;
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  switch (e.type) {
    case 'session.started':
      return `session started (runbook ${(d.runbook as { id?: string })?.id ?? '?'})`;
    case 'session.resumed':
      return 'session resumed';
    case 'step.done':
      return d.accepted
        ? `done, accepted: ${s('reason')}`
        : `done${s('note') ? `: ${s('note')}` : ''}`;
    case 'step.skipped':
      return `skipped: ${s('reason')}`;
    case 'step.failed':
      return `failed: ${s('note')}`;
    case 'step.started':
      return `${d.dryRun ? 'dry run ' : ''}started (${s('kind')}${Array.isArray(d.argv) ? `: ${(d.argv as string[]).join(' ')}` : ''}${s('action') ? `: ${s('action')}` : ''})`;
    case 'step.result':
      return `${d.dryRun ? 'dry run ' : ''}${s('outcome')}: ${s('summary')}`;
    case 'step.reopened':
      return 'reopened';
    case 'note.added':
      return `note: ${s('text')}`;
    case 'gate.overridden':
      return `gate overridden (${(d.unmet as string[] | undefined)?.join(', ') ?? ''}): ${s('reason')}`;
    case 'session.signed':
      return `signed off by ${s('signer')}`;
    case 'journal.repaired':
      return `torn trailing line (${String(d.bytes)} bytes) set aside as ${s('savedAs')}`;
    case 'action.started':
      return `${d.dryRun ? 'dry run ' : ''}action ${s('action')} started${d.params && typeof d.params === 'object' && 'container' in d.params ? ` on ${String((d.params as Record<string, unknown>).container)}` : ''}${s('overrideReason') ? ` (safety rule overridden: ${s('overrideReason')})` : ''}`;
    case 'action.result':
      return `${d.dryRun ? 'dry run ' : ''}action ${s('action')} ${s('outcome')}: ${s('summary')}`;
    default:
      return e.type;
  }
}

function reportStep(
  st: StepState | undefined,
  step: { id: string; title: string; type: string; severity?: string; refs: string[] },
): ReportStep {
  return {
    id: step.id,
    title: step.title,
    type: step.type,
    severity: step.severity,
    refs: step.refs,
    status: st?.status ?? 'pending',
    by: st?.resolved?.by,
    at: st?.resolved?.at,
    reason: st?.reason,
    failure: st?.failure,
    accepted: st?.accepted === true,
    notes: (st?.notes ?? []).map((n) => ({ text: n.text, by: n.by, at: n.at })),
    overrides: (st?.overrides ?? []).map((o) => ({
      reason: o.reason,
      unmet: o.unmet,
      by: o.by,
      at: o.at,
    })),
    results: (st?.results ?? []).map((r) => ({
      outcome: r.outcome,
      summary: r.summary,
      at: r.at,
      by: r.by,
      dryRun: r.dryRun,
      exitCode: r.data.exitCode,
      findings: Array.isArray(r.data.results) ? (r.data.results as CheckResult[]) : undefined,
      warnings: Array.isArray(r.data.warnings) ? r.data.warnings.map(String) : undefined,
      output: Array.isArray(r.data.tail) ? r.data.tail.map(String) : undefined,
    })),
  };
}

export function buildReport(
  stateIn: SessionState,
  entries: readonly JournalEntry[],
  chain: ChainReport,
): Report {
  const state = settle(stateIn);
  const counts: Record<string, number> = {
    pending: 0,
    running: 0,
    done: 0,
    skipped: 0,
    failed: 0,
    interrupted: 0,
  };
  for (const id of state.order) {
    const st = state.steps[id]?.status ?? 'pending';
    counts[st] = (counts[st] ?? 0) + 1;
  }
  const signedEntries = entries.filter((e) => e.type === 'session.signed');
  return {
    session: state.id,
    runbook: {
      id: state.runbook.id,
      title: state.runbook.title,
      kind: state.runbook.kind,
      file: state.runbookFile,
      sha256: state.runbookSha256,
    },
    inputs: state.inputs,
    operator: state.operator,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    // A journal that fails verification is never reported as signed or complete.
    status: chain.ok ? state.status : 'damaged',
    progress: state.phases.map((p) => ({
      phase: p.id,
      title: p.title,
      resolved: p.resolved,
      total: p.total,
    })),
    counts,
    phases: state.runbook.phases.map((p) => ({
      id: p.id,
      title: p.title,
      steps: p.steps.map((s) => reportStep(state.steps[s.id], s)),
    })),
    notes: state.notes.map((n) => ({ text: n.text, by: n.by, at: n.at })),
    timeline: entries.map((e) => ({
      seq: e.seq,
      ts: e.ts,
      operator: e.operator,
      type: e.type,
      step: e.step,
      summary: summarize(e),
    })),
    signoffs: signedEntries.map((e) => ({
      signer: String(e.data.signer ?? ''),
      statement: String(e.data.statement ?? ''),
      signedAt: String(e.data.signedAt ?? ''),
      keyFingerprint: String(e.data.keyFingerprint ?? ''),
      head: String(e.data.head ?? ''),
      signature: String(e.data.signature ?? ''),
      entryHash: e.hash,
    })),
    integrity: {
      chainOk: chain.ok,
      entries: chain.entries,
      head: chain.head,
      problem: chain.problem
        ? `line ${chain.problem.line}${chain.problem.seq ? ` (seq ${chain.problem.seq})` : ''}: ${chain.problem.reason}`
        : undefined,
    },
    ...(() => {
      const incident = incidentReport(state, entries);
      return incident ? { incident } : {};
    })(),
  };
}

/** Lines of a step's recorded output quoted in the Markdown report (JSON keeps all). */
const REPORT_OUTPUT_LINES = 40;

const MARK: Record<string, string> = {
  done: '[x]',
  skipped: '[-]',
  failed: '[!]',
  pending: '[ ]',
  running: '[~]',
  interrupted: '[?]',
};

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
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
  out.push(
    `- Status: **${r.status}**; ${Object.entries(r.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
  );
  if (Object.keys(r.inputs).length)
    out.push(
      `- Inputs: ${Object.entries(r.inputs)
        .map(([k, v]) => `${k}=\`${v}\``)
        .join(', ')}`,
    );
  out.push(
    `- Journal: ${r.integrity.entries} entries, head \`${r.integrity.head}\`, chain ${r.integrity.chainOk ? 'verified' : `**BROKEN** (${r.integrity.problem})`}`,
  );
  out.push('', '## Progress', '', '| Phase | Resolved |', '| --- | --- |');
  for (const p of r.progress) out.push(`| ${esc(p.title)} | ${p.resolved}/${p.total} |`);
  for (const phase of r.phases) {
    out.push('', `## ${phase.title}`, '');
    for (const s of phase.steps) {
      const who = s.by ? ` by ${s.by} at ${s.at}` : '';
      out.push(
        `- ${MARK[s.status] ?? '[ ]'} **${s.title}** (\`${s.id}\`, ${s.type}${s.severity ? `, ${s.severity}` : ''}): ${s.status}${s.accepted ? ' (accepted)' : ''}${who}`,
      );
      if (s.reason) out.push(`  - ${s.accepted ? 'Accepted because' : 'Reason'}: ${s.reason}`);
      if (s.failure) out.push(`  - Failure: ${s.failure}`);
      for (const o of s.overrides)
        out.push(`  - Gate overridden (${o.unmet.join(', ')}) by ${o.by} at ${o.at}: ${o.reason}`);
      for (const res of s.results) {
        out.push(
          `  - ${res.dryRun ? 'Dry run' : 'Run'} at ${res.at} by ${res.by}: ${res.outcome}: ${res.summary}`,
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
  for (const s of r.signoffs) {
    out.push(
      `- Signed by **${s.signer}** at ${s.signedAt}`,
      `  - Statement: ${s.statement || '(none)'}`,
      `  - Signed head: \`${s.head}\``,
      `  - Key: \`${s.keyFingerprint}\` (Ed25519)`,
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
  return out.join('\n');
}

function renderIncident(out: string[], inc: IncidentReport): void {
  out.push('', '## Incident summary', '', `- ${inc.summary}`);
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
      `- ${ev.at} ${ev.container}: ${ev.complete ? 'complete' : '**INCOMPLETE**'}, manifest \`${ev.manifest}\` sha256 \`${ev.manifestSha256 ?? 'none'}\``,
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
