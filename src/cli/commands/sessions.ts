/** `warden sessions`, `warden report`, `warden verify`: read-only views of journals. */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../../errors.js';
import { keyPaths } from '../../adapters/signer.js';
import { keyFingerprint } from '../../journal/signature.js';
import { createPublicKey } from 'node:crypto';
import { reduce, settle } from '../../engine/reducer.js';
import type { EvidenceFiles } from '../../actions/files-port.js';
import type { SessionState } from '../../engine/state.js';
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
import { table, type Io } from '../io.js';

export interface LoadedJournal {
  sessionId: string;
  path: string;
  entries: JournalEntry[];
  chain: ChainReport;
  tornTail: boolean;
  state?: SessionState;
}

export async function loadJournal(app: Pick<App, 'store'>, ref: string): Promise<LoadedJournal> {
  const read = await app.store.read(ref);
  const chain = verifyChain(read.lines);
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
  app: Pick<App, 'store'>,
  opts: { all?: boolean } = {},
): Promise<SessionRow[]> {
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
  const state = r.status === 'signed' && r.signedBy ? `signed by ${r.signedBy}` : String(r.status);
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
  opts: { json?: boolean; all?: boolean },
): Promise<number> {
  const rows = await listSessions(app, { all: opts.all });
  if (opts.json) {
    io.out(JSON.stringify(rows, null, 2) + '\n');
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
  opts: { format?: string; output?: string },
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
  const report = buildReport(j.state, j.entries, j.chain);
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

export interface VerifyOptions {
  json?: boolean;
  /** PEM public keys a sign-off must be made with; any other key fails verification. */
  trustedKey?: string[];
  /** Fail unless the last entry is a valid sign-off (nothing recorded after it). */
  requireSigned?: boolean;
}

interface SignoffView {
  seq: number;
  signer: string;
  signedAt: string;
  keyFingerprint: string;
  /** Whose key: this WARDEN_HOME's, one passed with --trusted-key, or unknown. */
  key: 'local' | 'trusted' | 'unknown';
}

async function fingerprintOfPem(app: App, path: string): Promise<string> {
  let pem: string;
  try {
    pem = await app.readText(path);
  } catch (err) {
    throw new UserError(
      `cannot read the key ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  try {
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' }) as Buffer;
    return keyFingerprint(der.toString('base64'));
  } catch {
    throw new UserError(`${path} is not a PEM public key`);
  }
}

export async function verifyCommand(
  app: App,
  io: Io,
  ref: string,
  opts: VerifyOptions,
): Promise<number> {
  const j = await loadJournal(app, ref);
  const trusted = new Set(
    await Promise.all((opts.trustedKey ?? []).map((k) => fingerprintOfPem(app, k))),
  );
  let local: string | undefined;
  try {
    local = await fingerprintOfPem(app, keyPaths(app.home).publicKey);
  } catch {
    local = undefined; // no key made on this machine yet
  }
  let problem = j.chain.problem
    ? `line ${j.chain.problem.line}${j.chain.problem.seq !== undefined ? ` (seq ${j.chain.problem.seq})` : ''}: ${j.chain.problem.reason}`
    : undefined;
  if (!problem && j.tornTail) {
    problem = `line ${j.entries.length + 1}: incomplete trailing line (a write was cut off); \`warden resume\` sets it aside`;
  }
  // The chain proves order and integrity, not authorship: anyone who can write the file can
  // rebuild it and sign with a new key. Say whose keys signed, and check them when asked.
  const signoffs: SignoffView[] = j.entries
    .filter((e) => e.type === 'session.signed')
    .map((e) => {
      const fp = String(e.data.keyFingerprint ?? '');
      return {
        seq: e.seq,
        signer: String(e.data.signer ?? ''),
        signedAt: String(e.data.signedAt ?? ''),
        keyFingerprint: fp,
        key: trusted.has(fp) ? 'trusted' : fp === local ? 'local' : 'unknown',
      };
    });
  const lastSigned = signoffs.at(-1)?.seq ?? 0;
  const uncovered = j.chain.ok ? j.chain.entries - lastSigned : 0;
  if (!problem && trusted.size > 0) {
    const bad = signoffs.find((x) => x.key !== 'trusted');
    if (bad)
      problem = `seq ${bad.seq}: sign-off by ${bad.signer} was made with key ${bad.keyFingerprint}, which is not one of the trusted keys`;
  }
  if (!problem && opts.requireSigned) {
    if (signoffs.length === 0) problem = 'the session is not signed off';
    else if (uncovered > 0)
      problem = `${uncovered} entr${uncovered === 1 ? 'y was' : 'ies were'} recorded after the last sign-off (seq ${lastSigned})`;
  }
  const evidence = j.state
    ? await verifyEvidence(app.actionDeps().files, dirname(j.path), j.state)
    : { files: 0 };
  if (!problem && evidence.problem) problem = evidence.problem;
  const ok = !problem;
  if (opts.json) {
    io.out(
      JSON.stringify(
        {
          ok,
          session: j.sessionId,
          path: j.path,
          entries: j.chain.entries,
          head: j.chain.head,
          signatures: j.chain.signatures,
          signoffs,
          entriesAfterLastSignoff: uncovered,
          evidenceFiles: evidence.files,
          problem: problem ?? null,
        },
        null,
        2,
      ) + '\n',
    );
    return ok ? 0 : 1;
  }
  if (ok) {
    io.out(
      `ok: ${j.path}\n  ${j.chain.entries} entries, chain intact, ${j.chain.signatures} valid signature(s)\n  head ${j.chain.head}\n`,
    );
    if (evidence.files > 0)
      io.out(`  ${evidence.files} evidence and backup file(s) re-hashed: all match the journal\n`);
  } else {
    io.out(`FAILED: ${j.path}\n  ${problem}\n  ${j.chain.entries} entries verified before it\n`);
  }
  const whose = {
    local: "this machine's key",
    trusted: 'a trusted key',
    unknown: 'a key not known here',
  };
  for (const x of signoffs) {
    io.out(
      `  signed at seq ${x.seq} by ${x.signer} (${x.signedAt}), key ${x.keyFingerprint}: ${whose[x.key]}\n`,
    );
  }
  if (signoffs.length > 0 && uncovered > 0) {
    io.out(
      `  note: ${uncovered} entr${uncovered === 1 ? 'y' : 'ies'} after the last sign-off ${uncovered === 1 ? 'is' : 'are'} not covered by it\n`,
    );
  }
  return ok ? 0 : 1;
}

/**
 * Re-hashes every evidence file, evidence manifest, backup archive and backup manifest recorded in
 * the journal. Returns the first mismatch (missing, size or SHA-256) and how many files matched.
 */
export async function verifyEvidence(
  disk: Pick<EvidenceFiles, 'hashFile'>,
  sessionDir: string,
  state: SessionState,
): Promise<{ files: number; problem?: string }> {
  const expected: { path: string; sha256: string; bytes?: number; what: string }[] = [];
  for (const ev of state.evidence ?? []) {
    if (ev.manifestSha256)
      expected.push({ path: ev.manifest, sha256: ev.manifestSha256, what: 'evidence manifest' });
    for (const f of ev.files)
      expected.push({ path: f.path, sha256: f.sha256, bytes: f.bytes, what: 'evidence' });
  }
  for (const b of state.backups ?? []) {
    if (b.manifestSha256)
      expected.push({ path: b.manifest, sha256: b.manifestSha256, what: 'backup manifest' });
    for (const a of b.archives)
      expected.push({ path: a.path, sha256: a.sha256, bytes: a.bytes, what: 'backup' });
  }
  let files = 0;
  for (const e of expected) {
    const got = await disk.hashFile(join(sessionDir, e.path));
    if (!got) return { files, problem: `${e.what} ${e.path}: missing` };
    if (got.sha256 !== e.sha256 || (e.bytes !== undefined && got.bytes !== e.bytes))
      return {
        files,
        problem: `${e.what} ${e.path}: sha256 ${got.sha256} (${got.bytes} bytes) does not match the journal's ${e.sha256}`,
      };
    files++;
  }
  return { files };
}
