/**
 * How an action verb runs and reports: confirmation, the session it records into
 * (verb-session.ts), cancel on SIGINT/SIGTERM, and its output (a line, or JSON). Exit 0 ok, 1 the
 * action failed, 2 usage/engine errors, 130 cancelled.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import type { Progress } from '../engine/executors.js';
import { formatBytes } from '../actions/progress.js';
import type { AdHocResult, Session } from '../engine/session.js';
import { jsonText } from '../engine/terminal-text.js';
import type { App } from './compose.js';
import type { Io } from './io.js';
import { openVerbSession } from './verb-session.js';
import { sessionRefArg } from './args.js';

export interface VerbOptions {
  session?: string;
  dryRun?: boolean;
  json?: boolean;
  yes?: boolean;
  reason?: string;
  snapshotFirst?: boolean;
  /** `--task web.1`: a swarm task instead of a container. */
  task?: string;
}

/**
 * The options every recorded verb takes: the session to record in, a dry run, JSON output (`json`
 * says what it holds) and, for a destructive one, --yes.
 */
export function verbOptions(cmd: Command, destructive: boolean, json: string): Command {
  cmd
    .option(
      '--session <id>',
      'record in this session (default: a new ad-hoc session)',
      sessionRefArg,
    )
    .option('--dry-run', 'list the engine calls and the blast radius; change nothing')
    .option('--json', `print the result as JSON (${json})`);
  if (destructive) cmd.option('-y, --yes', 'confirm the destructive action (non-interactive)');
  return cmd;
}

/** Params of a task's action that a `--snapshot-first` snapshot carries too. */
const TASK_KEYS = ['service', 'task', 'taskId', 'node', 'nodeName'];

const ENGINE_KINDS = new Set(['daemon-unreachable', 'not-found', 'permission', 'usage']);

/** Exit code of a cancelled verb (as a shell reports a command ended by SIGINT). */
export const EXIT_CANCELLED = 130;

function exitCodeOf(r: AdHocResult): number {
  if (r.outcome === 'ok') return 0;
  if (r.outcome === 'cancelled') return EXIT_CANCELLED;
  // A backup refused on verification is bad input: nothing was written.
  if (typeof r.data.refused === 'string') return 2;
  return ENGINE_KINDS.has(String(r.data.errorKind ?? '')) ? 2 : 1;
}

function printHuman(io: Io, app: App, sessionId: string, r: AdHocResult): void {
  const d = r.data;
  const line = `${r.outcome === 'ok' ? (d.dryRun ? 'dry run' : 'ok') : r.outcome.toUpperCase()}: ${r.summary}\n`;
  const v = d.verification as { sealed?: boolean; networks?: string[] } | undefined;
  if (r.outcome === 'ok') io.out(line);
  else io.err(`warden: ${line}`);
  if (d.dryRun && Array.isArray(d.calls)) {
    io.out('  engine calls:\n');
    for (const c of d.calls as string[]) io.out(`    ${c}\n`);
    io.out(`  blast radius: ${String(d.blastRadius ?? '')}\n`);
  }
  const dir = typeof d.dir === 'string' ? join(app.store.sessionDir(sessionId), d.dir) : undefined;
  if (dir) io.out(`  directory: ${dir}\n`);
  if (typeof d.manifestSha256 === 'string') io.out(`  manifest sha256: ${d.manifestSha256}\n`);
  if (v?.sealed) io.out('  verified: no network but loopback, no published port\n');
  if (Array.isArray(d.warnings))
    for (const w of d.warnings as string[]) io.err(`  warning: ${w}\n`);
  io.out(`  session: ${sessionId}\n`);
}

export async function runVerb(
  app: App,
  io: Io,
  action: string,
  params: Record<string, string>,
  opts: VerbOptions,
): Promise<number> {
  const runner = app.actions();
  const desc = runner?.actions.find((a) => a.id === action);
  if (!runner || !desc) throw new UserError(`action "${action}" is not available in this build`);
  // The session's target is a container; a service verb records none (the session names none).
  const target = params.container ?? '';
  const shown = opts.task ? `--task ${opts.task}` : (params.container ?? params.service ?? '');
  if (desc.destructive && !opts.dryRun && !opts.yes)
    throw new UserError(
      `${action} ${shown} is destructive and needs --yes`,
      `preview it first: warden ${action} ${shown} --dry-run`,
    );
  const session = await openVerbSession(app, io, action, target, opts);
  const ac = new AbortController();
  // The first SIGINT/SIGTERM cancels: the action stops within seconds and its result entry says
  // what was done. A second one exits at once (the journal then shows the action interrupted).
  // A repeat within a second is the same signal: conf's exit hook (when-exit) re-raises it.
  let signals = 0;
  let firstAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signals > 0 && Date.now() - firstAt < 1000) return;
    signals++;
    firstAt ||= Date.now();
    if (signals > 1) {
      io.err(`warden: ${sig} again: exiting now; the journal shows ${action} interrupted\n`);
      process.exit(EXIT_CANCELLED);
    }
    io.err(`warden: ${sig}: cancelling ${action}; recording what was done…\n`);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results: AdHocResult[] = [];
  const progress = progressPrinter(io, opts.json === true);
  try {
    const common = {
      signal: ac.signal,
      dryRun: opts.dryRun,
      confirmed: opts.yes,
      onOutput: opts.json ? undefined : (l: string) => io.err(`  ${l}\n`),
      onProgress: progress,
    };
    if (opts.snapshotFirst && !opts.dryRun) {
      const task = Object.fromEntries(
        Object.entries(params).filter(([k]) => TASK_KEYS.includes(k)),
      );
      const snap = await session.runAdHoc('snapshot', { ...task, container: target }, common);
      results.push(snap);
      if (snap.outcome !== 'ok' && !opts.reason) {
        return finish(io, app, session, results, opts);
      }
    }
    results.push(
      await session.runAdHoc(action, params, { ...common, overrideReason: opts.reason }),
    );
    return finish(io, app, session, results, opts);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await session.close();
  }
}

/** Progress on stderr, a line every few seconds (never with --json, whose stdout is data). */
function progressPrinter(io: Io, json: boolean): ((p: Progress) => void) | undefined {
  if (json) return undefined;
  let last = 0;
  let lastLabel = '';
  return (p) => {
    const now = Date.now();
    const done = p.seconds !== undefined;
    if (p.label === lastLabel && now - last < 2000 && !p.uncancellable && !done) return;
    last = now;
    lastLabel = p.label;
    if (p.bytes !== undefined) {
      const rate = p.rate ? `${formatBytes(p.rate)}/s` : undefined;
      // Running: `12 MiB at 40 MiB/s`; done: `258 MiB in 0.7 s (371 MiB/s)`.
      const tail = done
        ? ` in ${(p.seconds ?? 0).toFixed(1)} s${rate ? ` (${rate})` : ''}`
        : rate
          ? ` at ${rate}`
          : '';
      io.err(`  ${p.label}: ${formatBytes(p.bytes)}${tail}\n`);
    } else if (p.deadline && !p.uncancellable)
      io.err(`  ${p.label}: ${p.deadlineLabel ?? 'deadline'} at ${p.deadline}\n`);
  };
}

function finish(io: Io, app: App, session: Session, results: AdHocResult[], opts: VerbOptions) {
  const last = results[results.length - 1];
  if (!last) return 2;
  if (opts.json) {
    const one = (r: AdHocResult) => ({
      session: session.id,
      journal: session.journalPath,
      sessionDir: app.store.sessionDir(session.id),
      action: r.data.action,
      outcome: r.outcome,
      summary: r.summary,
      dryRun: r.data.dryRun === true,
      entryHash: r.resultHash,
      ...r.data,
    });
    const out = results.length === 1 ? one(last) : { ...one(last), steps: results.map(one) };
    io.out(jsonText(out) + '\n');
  } else for (const r of results) printHuman(io, app, session.id, r);
  for (const r of results) if (r.outcome !== 'ok') return exitCodeOf(r);
  return 0;
}
