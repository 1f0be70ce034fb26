/**
 * What a journal says is on disk in its session directory, and how what is there compares. Pure:
 * the reading is done by a SessionFilesPort (src/adapters/evidence-fs.ts), which never leaves the
 * session directory, never follows a symlink and never opens anything but a regular file.
 *
 * Every path the journal records is relative to the session directory and must stay inside it
 * lexically (no `..`, no absolute path, no empty or `.` segment); the adapter then refuses symlinks
 * and non-regular files on the way. Files under `evidence/` and `backups/` that the journal does not
 * record fail verification, except what an action the journal records as unfinished left behind
 * (reported as a warning): evidence that was added is not evidence that was recorded.
 */
import type { SessionState } from '../engine/state.js';

/** The trees under the session directory that hold recorded files. */
export const RECORDED_TREES = ['evidence', 'backups'] as const;

export interface ExpectedFile {
  /** Relative to the session directory, as recorded. */
  path: string;
  sha256: string;
  /** Recorded size, when the journal has one (manifests carry only their hash). */
  bytes?: number;
  what: 'evidence' | 'evidence manifest' | 'backup' | 'backup manifest';
}

/** What the adapter found at a recorded path. */
export type InsideRead =
  | { kind: 'file'; bytes: number; sha256: string }
  | { kind: 'missing' }
  /** Not readable as a recorded file: a symlink, a FIFO, a device, a directory, a hard link. */
  | { kind: 'refused'; reason: string };

export interface TreeEntry {
  /** Relative to the session directory, `/`-separated. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
}

/** The port the verifier reads the session directory through. */
export interface SessionFilesPort {
  /**
   * Hashes `rel` inside `sessionDir`: refuses symlinks in any component, anything but a regular
   * file, and reads at most `maxBytes + 1` bytes (the recorded size, or the file's own size).
   */
  hashInside(sessionDir: string, rel: string, maxBytes?: number): Promise<InsideRead>;
  /** Every entry under `sessionDir/<tree>` (not following symlinks); empty when absent. */
  listTree(sessionDir: string, tree: string): Promise<TreeEntry[]>;
}

/** Why `rel` is not a path inside the session directory, or undefined when it is. */
export function pathOutsideReason(rel: unknown): string | undefined {
  if (typeof rel !== 'string' || rel === '') return 'not a path';
  if (rel.includes('\0')) return 'path outside the session (contains a NUL byte)';
  if (rel.startsWith('/') || rel.includes('\\') || /^[A-Za-z]:/.test(rel))
    return 'path outside the session (absolute)';
  const parts = rel.split('/');
  if (parts.some((p) => p === '..')) return 'path outside the session (contains ..)';
  if (parts.some((p) => p === '' || p === '.')) return 'not a normalised path (empty or . segment)';
  return undefined;
}

/** Every file the journal records a hash for, in journal order. */
export function expectedFiles(state: SessionState): ExpectedFile[] {
  const out: ExpectedFile[] = [];
  for (const ev of state.evidence ?? []) {
    if (ev.manifestSha256)
      out.push({ path: ev.manifest, sha256: ev.manifestSha256, what: 'evidence manifest' });
    for (const f of ev.files)
      out.push({ path: f.path, sha256: f.sha256, bytes: f.bytes, what: 'evidence' });
  }
  for (const b of state.backups ?? []) {
    if (b.manifestSha256)
      out.push({ path: b.manifest, sha256: b.manifestSha256, what: 'backup manifest' });
    for (const a of b.archives)
      out.push({ path: a.path, sha256: a.sha256, bytes: a.bytes, what: 'backup' });
  }
  return out;
}

/** Compares one recorded file with what was read; a problem line, or undefined when it matches. */
export function fileProblem(e: ExpectedFile, got: InsideRead): string | undefined {
  const name = `${e.what} ${e.path}`;
  if (got.kind === 'missing') return `${name}: missing`;
  if (got.kind === 'refused') return `${name}: ${got.reason}`;
  if (got.sha256 !== e.sha256 || (e.bytes !== undefined && got.bytes !== e.bytes))
    return `${name}: sha256 ${got.sha256} (${got.bytes} bytes) does not match the journal's ${e.sha256}${e.bytes !== undefined ? ` (${e.bytes} bytes)` : ''}`;
  return undefined;
}

/** Directories the journal accounts for, and whether what is in them may be partial. */
interface KnownDir {
  dir: string;
  /** The action that wrote it did not finish: files it left unrecorded are warnings. */
  unfinished: boolean;
  seq: number;
}

function knownDirs(state: SessionState): KnownDir[] {
  const dirs: KnownDir[] = [];
  for (const ev of state.evidence ?? [])
    dirs.push({ dir: ev.dir, unfinished: !ev.complete, seq: ev.seq });
  for (const b of state.backups ?? []) dirs.push({ dir: b.dir, unfinished: false, seq: b.seq });
  // A cancelled or failed backup is not in state.backups, but its result names its directory.
  for (const a of state.actionLog ?? []) {
    const dir = a.result?.data.dir;
    if (typeof dir === 'string' && a.outcome !== 'ok' && !dirs.some((d) => d.dir === dir))
      dirs.push({ dir, unfinished: true, seq: a.result?.seq ?? a.seq });
  }
  return dirs.filter((d) => pathOutsideReason(d.dir) === undefined);
}

const TREE_OF: Record<string, (typeof RECORDED_TREES)[number]> = {
  snapshot: 'evidence',
  'preserve-logs': 'evidence',
  backup: 'backups',
};

export interface TreeFindings {
  problems: string[];
  warnings: string[];
}

/**
 * Compares what is under `evidence/` and `backups/` with what the journal records. A file or
 * directory no entry records fails, unless an unfinished action accounts for it: a file in the
 * directory of a snapshot recorded as incomplete or of a cancelled backup, or one whole directory
 * per action interrupted before it recorded a result (a crash mid-snapshot leaves one).
 */
export function compareTrees(
  state: SessionState,
  expected: readonly ExpectedFile[],
  found: readonly TreeEntry[],
): TreeFindings {
  const problems: string[] = [];
  const warnings: string[] = [];
  const recorded = new Set(expected.map((e) => e.path));
  const dirs = knownDirs(state);
  const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
  // Parents of recorded files and recorded directories are expected to exist.
  const parents = new Set<string>();
  for (const p of [...recorded, ...dirs.map((d) => d.dir)]) {
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) parents.add(parts.slice(0, i).join('/'));
  }
  const interrupted: Record<string, { seq: number; action: string }[]> = {};
  for (const a of state.actionLog ?? []) {
    const tree = TREE_OF[a.action];
    if (tree && a.status !== 'done' && !a.dryRun) (interrupted[tree] ??= []).push(a);
  }
  /** Top-level directories reported (or accounted for) whole: their contents are not listed. */
  const whole = new Set<string>();
  for (const f of found) {
    if (f.type === 'symlink' || f.type === 'other') {
      problems.push(
        `${f.path}: ${f.type === 'symlink' ? 'a symlink' : 'not a regular file or directory'} in the session's ${f.path.split('/')[0]} (Warden never writes one)`,
      );
      continue;
    }
    const parts = f.path.split('/');
    if (parts.length > 2 && whole.has(parts.slice(0, 2).join('/'))) continue;
    if (recorded.has(f.path) && f.type === 'file') continue;
    if (f.type === 'dir' && parents.has(f.path)) continue;
    const owner = dirs.find((d) => under(f.path, d.dir) && f.path !== d.dir);
    if (owner) {
      const line = `unrecorded ${f.type === 'dir' ? 'directory' : 'file'} ${f.path}`;
      if (owner.unfinished)
        warnings.push(`${line}: left by the unfinished action recorded at seq ${owner.seq}`);
      else problems.push(`${line}: in a directory the journal records, but not recorded itself`);
      continue;
    }
    const tree = parts[0] ?? '';
    if (parts.length === 2 && f.type === 'dir') {
      whole.add(f.path);
      const by = interrupted[tree]?.shift();
      if (by) {
        warnings.push(
          `unrecorded directory ${f.path}: the ${by.action} started at seq ${by.seq} was interrupted before it recorded a result`,
        );
        continue;
      }
    }
    problems.push(
      `unrecorded ${f.type === 'dir' ? 'directory' : 'file'} ${f.path}: present in the session but recorded by no journal entry`,
    );
  }
  return { problems, warnings };
}
