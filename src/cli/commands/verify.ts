/**
 * `warden verify`: the hash chain, the sign-off signatures and whose keys made them, that the
 * journal lies in its own session's directory, and every file it records, re-hashed from inside
 * the session directory (never a path out of it, never a symlink, a FIFO or a device), with files
 * it does not record reported. What it cannot prove is in the README ("What verify guarantees").
 */
import { dirname } from 'node:path';
import type { SessionState } from '../../engine/state.js';
import { keyTrust, TRUST_TEXT, type KnownKeys } from '../../journal/key-trust.js';
import {
  compareTrees,
  expectedFiles,
  fileProblem,
  pathOutsideReason,
  RECORDED_TREES,
  type SessionFilesPort,
  type TreeEntry,
} from '../../journal/recorded-files.js';
import type { App } from '../compose.js';
import type { Io } from '../io.js';
import { loadJournal, type LoadedJournal } from './sessions.js';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { sessionRefArg } from '../args.js';
import { jsonText } from '../../engine/terminal-text.js';

export interface VerifyOptions {
  json?: boolean;
  /** PEM public keys a sign-off must be made with; any other key, or no sign-off, fails. */
  trustedKey?: string[];
  /** Fail unless the last entry is a valid sign-off (nothing recorded after it). */
  requireSigned?: boolean;
}

interface SignoffView {
  seq: number;
  signer: string;
  signedAt: string;
  keyFingerprint: string;
  /** Whose key: this WARDEN_HOME's, a trusted one (given or configured), or unknown. */
  key: 'local' | 'trusted' | 'unknown';
}

/** At most this many problem and warning lines are printed (the JSON has them all). */
const SHOWN = 20;

function signoffsOf(j: LoadedJournal, known: KnownKeys): SignoffView[] {
  return j.entries
    .filter((e) => e.type === 'session.signed')
    .map((e) => {
      const fp = String(e.data.keyFingerprint ?? '');
      return {
        seq: e.seq,
        signer: String(e.data.signer ?? ''),
        signedAt: String(e.data.signedAt ?? ''),
        keyFingerprint: fp,
        key: keyTrust(fp, known),
      };
    });
}

function chainProblem(j: LoadedJournal): string | undefined {
  const p = j.chain.problem;
  if (p) return `line ${p.line}${p.seq !== undefined ? ` (seq ${p.seq})` : ''}: ${p.reason}`;
  if (j.tornTail)
    return `line ${j.entries.length + 1}: incomplete trailing line (a write was cut off); \`warden resume\` sets it aside`;
  return undefined;
}

/** What the sign-offs fail, given what the caller asked to be vouched for. */
function signoffProblem(
  signoffs: readonly SignoffView[],
  known: KnownKeys,
  uncovered: number,
  opts: VerifyOptions,
): string | undefined {
  if (known.given.size > 0) {
    // A deleted sign-off leaves a valid chain: with trusted keys, no sign-off is a failure.
    if (signoffs.length === 0)
      return 'the session is not signed off: there is no sign-off to check against the trusted keys (a removed sign-off looks like this)';
    const bad = signoffs.find((x) => !known.given.has(x.keyFingerprint));
    if (bad)
      return `seq ${bad.seq}: sign-off by ${bad.signer} was made with key ${bad.keyFingerprint}, which is not one of the trusted keys`;
  }
  if (opts.requireSigned) {
    if (signoffs.length === 0) return 'the session is not signed off';
    const last = signoffs.at(-1)?.seq ?? 0;
    if (uncovered > 0)
      return `${uncovered} entr${uncovered === 1 ? 'y was' : 'ies were'} recorded after the last sign-off (seq ${last})`;
  }
  return undefined;
}

export async function verifyCommand(
  app: App,
  io: Io,
  ref: string,
  opts: VerifyOptions,
): Promise<number> {
  const j = await loadJournal(app, ref);
  const known = await app.knownKeys(opts.trustedKey);
  const signoffs = signoffsOf(j, known);
  const lastSigned = signoffs.at(-1)?.seq ?? 0;
  const uncovered = j.chain.ok ? j.chain.entries - lastSigned : 0;
  const problems: string[] = [];
  const first = chainProblem(j) ?? signoffProblem(signoffs, known, uncovered, opts);
  if (first) problems.push(first);
  const evidence = j.state
    ? await verifyRecordedFiles(app.sessionFiles, dirname(j.path), j.state)
    : { files: 0, problems: [], warnings: [] };
  problems.push(...evidence.problems);
  const ok = problems.length === 0;
  if (opts.json) {
    io.out(
      jsonText({
        ok,
        session: j.sessionId,
        path: j.path,
        entries: j.chain.entries,
        head: j.chain.head,
        signatures: j.chain.signatures,
        signedOff: signoffs.length > 0,
        signoffs,
        entriesAfterLastSignoff: uncovered,
        evidenceFiles: evidence.files,
        problem: problems[0] ?? null,
        problems,
        warnings: evidence.warnings,
      }) + '\n',
    );
    return ok ? 0 : 1;
  }
  const unsigned = signoffs.length === 0;
  if (ok) {
    io.out(
      `${unsigned ? 'ok, NOT SIGNED OFF' : 'ok'}: ${j.path}\n  ${j.chain.entries} entries, chain intact, ${
        unsigned
          ? 'not signed off: no sign-off vouches for them'
          : `${j.chain.signatures} valid signature(s)`
      }\n  head ${j.chain.head}\n`,
    );
    if (evidence.files > 0)
      io.out(`  ${evidence.files} evidence and backup file(s) re-hashed: all match the journal\n`);
  } else {
    io.out(`FAILED: ${j.path}\n`);
    for (const p of problems.slice(0, SHOWN)) io.out(`  ${p}\n`);
    if (problems.length > SHOWN)
      io.out(`  ... and ${problems.length - SHOWN} more (--json lists all)\n`);
    io.out(`  ${j.chain.entries} entries verified${j.chain.ok ? '' : ' before it'}\n`);
  }
  for (const w of evidence.warnings.slice(0, SHOWN)) io.out(`  warning: ${w}\n`);
  for (const x of signoffs)
    io.out(
      `  signed at seq ${x.seq} by ${x.signer} (${x.signedAt}), key ${x.keyFingerprint}: ${TRUST_TEXT[x.key]}\n`,
    );
  if (unsigned && j.chain.ok)
    io.out(
      '  note: without a sign-off, entries removed from the end of the journal cannot be detected; --require-signed or --trusted-key fails here\n',
    );
  if (signoffs.length > 0 && uncovered > 0)
    io.out(
      `  note: ${uncovered} entr${uncovered === 1 ? 'y' : 'ies'} after the last sign-off ${uncovered === 1 ? 'is' : 'are'} not covered by it\n`,
    );
  return ok ? 0 : 1;
}

/**
 * Re-hashes every evidence file, evidence manifest, backup archive and backup manifest the journal
 * records, from inside `sessionDir` only, and compares `evidence/` and `backups/` with what it
 * records. A path out of the session is reported and never read (nor its size or hash shown).
 */
export async function verifyRecordedFiles(
  disk: SessionFilesPort,
  sessionDir: string,
  state: SessionState,
): Promise<{ files: number; problems: string[]; warnings: string[] }> {
  const problems: string[] = [];
  let files = 0;
  for (const d of [...(state.evidence ?? []), ...(state.backups ?? [])]) {
    const reason = pathOutsideReason(d.dir);
    if (reason) problems.push(`directory ${d.dir}: ${reason}`);
  }
  const expected = expectedFiles(state);
  for (const e of expected) {
    const reason = pathOutsideReason(e.path);
    if (reason) {
      problems.push(`${e.what} ${String(e.path)}: ${reason}; not read`);
      continue;
    }
    const p = fileProblem(e, await disk.hashInside(sessionDir, e.path, e.bytes));
    if (p) problems.push(p);
    else files++;
  }
  const found: TreeEntry[] = [];
  for (const tree of RECORDED_TREES) found.push(...(await disk.listTree(sessionDir, tree)));
  const trees = compareTrees(state, expected, found);
  return { files, problems: [...problems, ...trees.problems], warnings: trees.warnings };
}

export function registerVerifyCommand(program: Command, ctx: CommandContext): void {
  const { io, handle } = ctx;
  program
    .command('verify')
    .description(
      'verify a journal: hash chain, sign-off signatures, evidence and backup hashes (exit 1 names the first bad entry)',
    )
    .argument('<session>', 'session id (or unique part) or journal path', sessionRefArg)
    .option(
      '--trusted-key <pem...>',
      'public key(s) every sign-off must be made with (fails when there is no sign-off)',
    )
    .option('--require-signed', 'fail unless a sign-off covers the last entry')
    .option('--json', 'machine-readable output')
    .action((ref: string, opts: VerifyOptions) =>
      handle(() => verifyCommand(ctx.app(), io, ref, opts)),
    );
}
