/**
 * What the detail pane shows for one step, as wrapped lines: status, reason/failure, gate blockers,
 * output tail (live while running, recorded after), check verdicts with remediation, notes and the
 * guidance. Pure: derived from the session state every render.
 */
import type { CheckResult, Progress } from '../engine/executors.js';
import { formatBytes } from '../actions/progress.js';
import { outcomeOf } from '../engine/outcomes.js';
import { staleText, type StaleVerdict } from '../engine/staleness.js';
import type { NoteRecord, SessionState, StepResultRecord } from '../engine/state.js';
import type { Step } from '../runbook/types.js';
import { STATUS_MARK, VERDICT_MARK } from './theme.js';
import { fillTemplate } from '../runbook/template.js';
import { looksSecretName, redact } from '../engine/redact.js';
import { elapsedText, reflow, shortTime, wrapLines, type Line } from './text.js';
import type { InterruptedInfo } from './screens/sessionModel.js';

export const OUTPUT_TAIL = 10;
/** Lines of a finished step's recorded output shown in the (scrolling) details. */
export const RECORDED_TAIL = 60;

export interface DetailInput {
  state: SessionState;
  step: Step;
  blockers: string[];
  /** The engine's safety refusal for an action step (e.g. isolate without a snapshot). */
  safety?: string;
  argv?: string[];
  /** Live output lines while the step runs in this process. */
  live?: readonly string[];
  /** How far it has got (bytes and rate, a countdown to the engine's SIGKILL). */
  progress?: Progress;
  /** For an interrupted action step: what it left behind, re-read from the engine and disk. */
  interrupted?: InterruptedInfo;
  /** Verdicts of its last check run about containers that are gone or were recreated. */
  stale?: readonly StaleVerdict[];
  /** Now (ms), for a running step's elapsed time. */
  now: number;
  width: number;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** A dry run's record: what it would do (engine calls, blast radius), nothing changed. */
function dryRunLines(r: StepResultRecord, width: number): Line[] {
  const out: Line[] = [{ text: '' }, { text: 'Dry run', tone: 'accent', bold: true }];
  const add = (text: string, tone?: Line['tone'], indent = '') =>
    out.push(...wrapLines(text, width, tone, indent));
  add(`${shortTime(r.at)} ${r.by}: ${r.summary}`, r.outcome === 'ok' ? undefined : 'danger');
  const calls = strings(r.data.calls);
  if (calls.length > 0) {
    add('would call:', 'muted');
    for (const c of calls) add(c, undefined, '  ');
  }
  if (typeof r.data.blastRadius === 'string') add(`blast radius: ${r.data.blastRadius}`, 'warn');
  const offer = strings(r.data.offer);
  if (offer.length > 0) add(`instead: ${offer.join(', ')}`, 'info');
  add('nothing was changed', 'muted');
  return out;
}

function interruptedLines(step: Step, info: InterruptedInfo | undefined, width: number): Line[] {
  const out: Line[] = [];
  const add = (text: string, tone?: Line['tone'], indent = '') =>
    out.push(...wrapLines(text, width, tone, indent));
  if (step.type !== 'action') {
    add('warden stopped while this step ran — Enter runs it again · d / s / f to resolve', 'info');
    return out;
  }
  if (!info || info.state === 'loading') {
    add('reading what the interrupted action left behind…', 'running');
    return out;
  }
  if (info.state === 'error') {
    add(`could not re-read the live state: ${info.message}`, 'warn');
  } else {
    add('Where it stopped (read just now):', 'accent');
    for (const f of info.view.facts) add(`• ${f}`, undefined, '  ');
    add(info.view.advice, info.view.safeToRetry ? 'info' : 'warn');
  }
  add(
    info.state === 'read' && !info.view.safeToRetry
      ? 'retrying as is is not safe — d / s / f to resolve by hand'
      : 'Enter runs it again · d / s / f to resolve by hand',
    'info',
  );
  return out;
}

export function sessionNoteLines(notes: readonly NoteRecord[], width: number): Line[] {
  if (notes.length === 0) return [];
  const out: Line[] = [{ text: '' }, { text: 'Session notes', tone: 'accent', bold: true }];
  for (const n of notes) out.push(...wrapLines(`${shortTime(n.at)} ${n.by}: ${n.text}`, width));
  return out;
}

const VERDICT_ORDER = ['fail', 'error', 'not-applicable', 'pass'];

/**
 * Check verdicts, failures first with what was found and the fix; passes of one target on one
 * line (`✓ pass host-pid, host-ipc · container web`), so a failure is never buried under them.
 */
export function verdictLines(results: readonly CheckResult[], width: number): Line[] {
  const out: Line[] = [];
  const add = (text: string, tone?: Line['tone'], indent = '') =>
    out.push(...wrapLines(text, width, tone, indent));
  const sorted = [...results].sort(
    (a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict),
  );
  const passed = new Map<string, string[]>();
  for (const c of sorted) {
    if (c.verdict === 'pass') {
      passed.set(c.target, [...(passed.get(c.target) ?? []), c.check]);
      continue;
    }
    const v = VERDICT_MARK[c.verdict] ?? VERDICT_MARK.error;
    add(`${v.mark}  ${c.check} · ${c.target}`, v.tone);
    if (c.evidence) add(`found: ${c.evidence}`, undefined, '    ');
    if (c.verdict === 'fail' && c.remediation) add(`fix: ${c.remediation}`, 'info', '    ');
  }
  for (const [target, checks] of passed)
    add(`${VERDICT_MARK.pass.mark}  ${checks.join(', ')} · ${target}`, VERDICT_MARK.pass.tone);
  return out;
}

function checkResults(r: StepResultRecord | undefined): CheckResult[] {
  const v = r?.data.results;
  return Array.isArray(v) ? (v as CheckResult[]) : [];
}

function tailOf(r: StepResultRecord | undefined): string[] {
  const v = r?.data.tail;
  return Array.isArray(v) ? v.map(String) : [];
}

/** For display only (commands run as argv, never through a shell). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line as shown: each argument masked (`DB_PASSWORD=***`), and the value after a
 * credential-like long flag (`--password value` are two arguments).
 */
export function commandLine(argv: readonly string[]): string {
  const shown = argv.map((a, i) => {
    const prev = i > 0 ? argv[i - 1] : undefined;
    const secretFlag =
      prev !== undefined && /^--[A-Za-z][\w-]*$/.test(prev) && looksSecretName(prev);
    return secretFlag && !a.startsWith('-') ? '***' : redact(a);
  });
  return `$ ${shown.map(shellQuote).join(' ')}`;
}

/** What to do next with a pending step, in the words of its keys. */
function pendingHint(step: Step, answered: boolean, last: StepResultRecord | undefined): string {
  if (step.answer)
    return answered
      ? 'answered: d done · n adds to the answer · s skip'
      : 'A question: n to answer (the answer is recorded, the step done) · s skip with a reason';
  if (step.type === 'manual') return 'Do it, then d done · s skip · f failed';
  const missing = last?.outcome === 'error' && /^could not start ([^\s:]+)/.exec(last.summary);
  if (missing)
    return `install ${missing[1]}, then Enter runs it again, or s skips it with a reason`;
  return 'Enter to run · x dry run · d / s / f to resolve by hand';
}

/** `logs: 120 MiB written · 40 MiB/s`; `stop: SIGKILL in 7 s`. */
export function progressLines(p: Progress, now: number): { text: string; tone?: Line['tone'] }[] {
  const out: { text: string; tone?: Line['tone'] }[] = [];
  if (p.bytes !== undefined)
    out.push({
      text: `${p.label}: ${formatBytes(p.bytes)} written${p.rate ? ` · ${formatBytes(p.rate)}/s` : ''}`,
      tone: 'accent',
    });
  if (p.deadline) {
    const left = Math.max(0, Math.ceil((Date.parse(p.deadline) - now) / 1000));
    out.push({
      text: `${p.label}: ${p.deadlineLabel ?? 'deadline'} ${left > 0 ? `in ${left} s` : 'now'} (at ${shortTime(p.deadline)}) unless it exits first`,
      tone: 'warn',
    });
  }
  // What cannot be called back is in the banner (and the output), not repeated here.
  return out;
}

export function detailLines({
  state,
  step,
  blockers,
  safety,
  argv,
  live,
  progress,
  interrupted,
  stale = [],
  now,
  width,
}: DetailInput): Line[] {
  const st = state.steps[step.id];
  const status = st?.status ?? 'pending';
  const m = STATUS_MARK[outcomeOf(st)];
  const out: Line[] = [];
  const add = (text: string, tone?: Line['tone'], indent = '') =>
    out.push(...wrapLines(text, width, tone, indent));

  out.push(...wrapLines(step.title, width).map((l) => ({ ...l, bold: true })));
  const sev = step.severity ? ` · ${step.severity}` : '';
  add(`${m.mark} ${m.word} · ${step.type} step${sev}`, m.tone);
  if (st?.resolved) add(`by ${st.resolved.by} at ${shortTime(st.resolved.at)}`, 'muted');
  if (st?.reason) add(`${st.accepted ? 'accepted because' : 'reason'}: ${st.reason}`, 'warn');
  const results = st?.results ?? [];
  const last = results.filter((r) => !r.dryRun).at(-1);
  const dry = results.at(-1)?.dryRun ? results.at(-1) : undefined;
  if (st?.failure && st.failure !== last?.summary) add(`failure: ${st.failure}`, 'danger');
  if (blockers.length > 0 && status !== 'running') {
    add(
      `blocked: requires ${blockers.map((b) => `"${b}"`).join(', ')} — press o to override with a reason`,
      'warn',
    );
  }
  if (safety && status !== 'running' && status !== 'done') {
    add(`⚠ ${safety} — Enter asks for a reason to run it anyway`, 'warn');
  }
  for (const o of st?.overrides ?? []) add(`gate overridden by ${o.by}: ${o.reason}`, 'warn');
  if (status === 'pending' && blockers.length === 0)
    add(pendingHint(step, (st?.notes.length ?? 0) > 0, last), 'info');
  for (const v of stale) add(`⟳ stale: ${staleText(v)} — r re-checks`, 'warn');
  if (status === 'interrupted') out.push(...interruptedLines(step, interrupted, width));

  const running = status === 'running';
  if (step.type === 'command' && argv) add(commandLine(argv), 'accent');
  if (running) {
    const since = st?.started ? Date.parse(st.started.at) : NaN;
    const clock = Number.isFinite(since) ? ` ${elapsedText(now - since)}` : '';
    add(
      step.type === 'command'
        ? `running${clock} · output (c to cancel):`
        : `running${clock}… (c to cancel)`,
      'running',
    );
    if (progress) for (const p of progressLines(progress, now)) add(p.text, p.tone, '  ');
    for (const l of (live ?? []).slice(-OUTPUT_TAIL)) add(l, undefined, '  ');
  } else if (last) {
    const warnings = Array.isArray(last.data.warnings) ? last.data.warnings.map(String) : [];
    add(
      `result: ${last.outcome}${warnings.length ? ' with warnings' : ''} — ${last.summary}`,
      last.outcome !== 'ok' ? 'danger' : warnings.length ? 'warn' : 'ok',
    );
    for (const w of warnings) add(`⚠ ${w}`, 'warn', '  ');
    // The recorded output stays readable (the details scroll): e.g. triage's processes/events.
    const tail = tailOf(last);
    if (tail.length > 0) {
      const shown = tail.slice(-RECORDED_TAIL);
      add(
        shown.length < tail.length
          ? `output, last ${shown.length} of ${tail.length} lines:`
          : `output (${tail.length} line${tail.length === 1 ? '' : 's'}):`,
        'muted',
      );
      for (const l of shown) add(l, l.startsWith('! ') ? 'warn' : undefined, '  ');
    }
    out.push(...verdictLines(checkResults(last), width));
    if (checkResults(last).length > 0 && last.outcome !== 'ok')
      add('r to re-check after the fix', 'info');
  }
  if (dry && !running) out.push(...dryRunLines(dry, width));

  // What was recorded comes before the guidance, so it is visible without scrolling.
  if ((st?.notes.length ?? 0) > 0) {
    out.push({ text: '' }, { text: 'Notes', tone: 'accent', bold: true });
    for (const n of st?.notes ?? []) add(`${shortTime(n.at)} ${n.by}: ${n.text}`);
  }
  if (step.guidance.trim()) {
    out.push({ text: '' }, { text: 'Guidance', tone: 'accent', bold: true });
    // `{{input}}` in guidance reads as the session's value (e.g. the target's name).
    const declared = new Set(state.runbook.inputs.map((i) => i.id));
    add(reflow(fillTemplate(step.guidance, declared, state.inputs)));
  }
  if (step.refs.length > 0) add(`refs: ${step.refs.join(', ')}`, 'muted');
  out.push(...sessionNoteLines(state.notes, width));
  return out;
}
