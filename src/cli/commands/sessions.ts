/** `warden sessions`, `warden report`: read-only views of journals (verify: verify.ts). */
import { Option, type Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { UserError } from '../../errors.js';
import { reduce, settle } from '../../engine/reducer.js';
import type { SessionState } from '../../engine/state.js';
import { keyTrust, signedText, type KeyTrust } from '../../journal/key-trust.js';
import { outcomeCounts } from '../../engine/outcomes.js';
import {
  byLastActivity,
  summarizeSession,
  targetText,
  type SessionSummary,
} from '../../engine/session-summary.js';
import { verifyChain, type ChainReport } from '../../journal/chain.js';
import type { JournalEntry } from '../../journal/types.js';
import { buildReport } from '../../report/report.js';
import { renderJson } from '../../report/format-json.js';
import { renderMarkdown } from '../../report/format-markdown.js';
import type { App } from '../compose.js';
import type { CommandContext } from '../context.js';
import { table, type Io } from '../io.js';
import { sessionRefArg } from '../args.js';
import { jsonText } from '../../engine/terminal-text.js';

export interface LoadedJournal {
  sessionId: string;
  path: string;
  entries: JournalEntry[];
  chain: ChainReport;
  tornTail: boolean;
  state?: SessionState;
}

const JOURNAL_FILE = 'journal.jsonl';

/**
 * A journal in a session directory must be that session's: one copied from session A into B's
 * directory verifies as a chain (and its sign-off as a signature), so the directory's name is
 * compared with the id the journal records. A journal file under another name (an exported copy)
 * is not in a session directory and is not compared.
 */
function placementProblem(path: string, sessionId: string): string | undefined {
  if (basename(path) !== JOURNAL_FILE) return undefined;
  const dir = basename(dirname(path));
  return dir === sessionId
    ? undefined
    : `the journal records session ${sessionId} but lies in the directory of session ${dir} (a journal copied from another session)`;
}

export async function loadJournal(app: Pick<App, 'store'>, ref: string): Promise<LoadedJournal> {
  const read = await app.store.read(ref);
  let chain = verifyChain(read.lines);
  const misplaced = chain.ok ? placementProblem(read.path, read.sessionId) : undefined;
  if (misplaced)
    chain = { ...chain, ok: false, entries: 0, problem: { line: 1, seq: 1, reason: misplaced } };
  const entries = read.lines.flatMap((l) => ('entry' in l ? [l.entry] : []));
  let state: SessionState | undefined;
  try {
    state = entries.length ? settle(reduce(entries)) : undefined;
  } catch {
    state = undefined;
  }
  return {
    sessionId: read.sessionId,
    path: read.path,
    entries,
    chain,
    tornTail: read.tornTail,
    state,
  };
}

/** A session as listed: its summary, plus whether another process holds it open. */
export interface SessionRow extends SessionSummary {
  /** Legacy names kept for `--json` readers: startedAt, lastActivity, `resolved/total`. */
  started: string;
  updated: string;
  progress: string;
  locked: boolean;
  /** Whose key made the last sign-off (signed sessions only). */
  signedKey?: KeyTrust;
}

function unreadable(id: string, locked: boolean): SessionRow {
  return {
    id,
    runbook: '?',
    title: '?',
    kind: '?',
    status: 'unreadable' as SessionRow['status'],
    targets: [],
    targetIds: [],
    scope: '',
    counts: outcomeCounts({ order: [], steps: {} }),
    resolved: 0,
    total: 0,
    startedAt: '',
    lastActivity: '',
    operator: '',
    adhoc: false,
    empty: false,
    started: '',
    updated: '',
    progress: '',
    locked,
  };
}

/**
 * Every session on disk, most recently worked on first. Ad-hoc sessions with nothing recorded
 * (a CLI verb that was refused before it ran) are left out unless `all`.
 */
export async function listSessions(
  app: Pick<App, 'store' | 'knownKeys'>,
  opts: { all?: boolean; trustedKey?: string[] } = {},
): Promise<SessionRow[]> {
  const known = await app.knownKeys(opts.trustedKey);
  const listing = await app.store.list();
  const rows: SessionRow[] = [];
  for (const s of listing) {
    try {
      const j = await loadJournal(app, s.sessionId);
      if (!j.state) continue;
      const sum = summarizeSession(j.state, j.chain.ok);
      if (sum.empty && !opts.all) continue;
      rows.push({
        ...sum,
        started: sum.startedAt,
        updated: j.state.updatedAt,
        progress: `${sum.resolved}/${sum.total}`,
        locked: s.locked,
        ...(sum.signedBy
          ? { signedKey: keyTrust(j.state.signoffs.at(-1)?.keyFingerprint ?? '', known) }
          : {}),
      });
    } catch {
      rows.push(unreadable(s.sessionId, s.locked));
    }
  }
  return rows.sort(byLastActivity);
}

/** `2026-11-23 08:15` (UTC). */
function when(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

function stateText(r: SessionRow): string {
  const state =
    r.status === 'signed' && r.signedBy
      ? signedText(r.signedBy, r.signedKey ?? 'unknown')
      : String(r.status);
  return state + (r.locked ? ' (open)' : '');
}

function progressText(r: SessionRow): string {
  const apart = (['accepted', 'failed'] as const)
    .filter((k) => r.counts[k] > 0)
    .map((k) => `${r.counts[k]} ${k}`);
  return `${r.progress}${apart.length ? ` (${apart.join(', ')})` : ''}`;
}

export async function sessionsCommand(
  app: App,
  io: Io,
  opts: { json?: boolean; all?: boolean; trustedKey?: string[] },
): Promise<number> {
  const rows = await listSessions(app, opts);
  if (opts.json) {
    io.out(jsonText(rows) + '\n');
    return 0;
  }
  if (rows.length === 0) {
    io.out(
      'No sessions yet. Start one with `warden run <runbook>` (see `warden runbooks list`).\n',
    );
    return 0;
  }
  io.out(
    table(
      rows.map((r) => [
        r.id,
        r.runbook,
        targetText(r),
        stateText(r),
        progressText(r),
        when(r.lastActivity),
        r.operator,
      ]),
      ['SESSION', 'RUNBOOK', 'TARGET', 'STATE', 'DONE', 'LAST ACTIVITY (UTC)', 'STARTED BY'],
    ),
  );
  return 0;
}

export async function reportCommand(
  app: App,
  io: Io,
  ref: string,
  opts: { format?: string; output?: string; trustedKey?: string[] },
): Promise<number> {
  const format = opts.format ?? 'md';
  if (format !== 'md' && format !== 'json')
    throw new UserError(`unknown report format "${format}"`, 'use --format md or --format json');
  const j = await loadJournal(app, ref);
  if (!j.state)
    throw new UserError(
      `session ${ref}: the journal has no readable start entry`,
      `\`warden verify ${ref}\``,
      1,
    );
  const report = buildReport(j.state, j.entries, j.chain, await app.knownKeys(opts.trustedKey));
  const text = format === 'json' ? renderJson(report) : renderMarkdown(report);
  if (opts.output) {
    await writeFile(opts.output, text, { mode: 0o600 });
    io.err(`report written to ${opts.output}\n`);
  } else io.out(text);
  if (!j.chain.ok) {
    io.err(
      `warden: the journal fails verification (line ${j.chain.problem?.line}: ${j.chain.problem?.reason}); the report marks it damaged\n`,
    );
    return 1;
  }
  return 0;
}

export function registerSessionCommands(program: Command, ctx: CommandContext): void {
  const { io, handle } = ctx;
  program
    .command('sessions')
    .description('list sessions: id, runbook, targets, state, progress, last activity')
    .option('--json', 'machine-readable output')
    .option('--all', 'also list ad-hoc sessions in which nothing was recorded')
    .option('--trusted-key <pem...>', 'public key(s) to show sign-offs as made with a trusted key')
    .action((opts: { json?: boolean; all?: boolean; trustedKey?: string[] }) =>
      handle(() => sessionsCommand(ctx.app(), io, opts)),
    );

  program
    .command('report')
    .description('turn a session journal into a report (UTC timeline, steps, notes, sign-off)')
    .argument('<session>', 'session id (or unique part) or journal path', sessionRefArg)
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['md', 'json']).default('md'),
    )
    .option('-o, --output <file>', 'write to a file (0600) instead of stdout')
    .option('--trusted-key <pem...>', 'public key(s) to show sign-offs as made with a trusted key')
    .action((ref: string, opts: { format: string; output?: string; trustedKey?: string[] }) =>
      handle(() => reportCommand(ctx.app(), io, ref, opts)),
    );
}
