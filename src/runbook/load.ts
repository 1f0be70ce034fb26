/**
 * Finds runbooks: bundled (`runbooks/`), the user's (`$WARDEN_HOME/runbooks/`, same id overrides
 * the bundled one) and explicit paths. File access is injected, so this stays pure.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { formatIssue, parseRunbook, type KnownIds } from './parse.js';
import type { LoadedRunbook, RunbookIssue, RunbookOrigin } from './types.js';

export interface RunbookFiles {
  /** Absolute paths of `*.yaml`/`*.yml` files in `dir`, or [] when it does not exist. */
  listYaml(dir: string): Promise<string[]>;
  readFile(path: string): Promise<string>;
}

export interface Catalog {
  runbooks: LoadedRunbook[];
  /** Files that failed to load; listed, never fatal for the others. */
  broken: { file: string; origin: RunbookOrigin; issues: RunbookIssue[] }[];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export async function loadRunbookFile(
  files: RunbookFiles,
  file: string,
  origin: RunbookOrigin,
  known?: KnownIds,
): Promise<{ ok: true; loaded: LoadedRunbook } | { ok: false; issues: RunbookIssue[] }> {
  let text: string;
  try {
    text = await files.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (err as Error).message;
    return {
      ok: false,
      issues: [{ file, line: 1, col: 1, message: `cannot read runbook: ${why}` }],
    };
  }
  const parsed = parseRunbook(text, file, known);
  if (!parsed.ok) return parsed;
  return { ok: true, loaded: { runbook: parsed.runbook, origin, file, sha256: sha256(text) } };
}

export async function loadCatalog(
  files: RunbookFiles,
  dirs: { bundled: string; user?: string },
  known?: KnownIds,
): Promise<Catalog> {
  const byId = new Map<string, LoadedRunbook>();
  const broken: Catalog['broken'] = [];
  const sources: [string | undefined, RunbookOrigin][] = [
    [dirs.bundled, 'bundled'],
    [dirs.user, 'user'],
  ];
  for (const [dir, origin] of sources) {
    if (!dir) continue;
    for (const file of (await files.listYaml(dir)).sort()) {
      const r = await loadRunbookFile(files, file, origin, known);
      if (r.ok) byId.set(r.loaded.runbook.id, r.loaded);
      else broken.push({ file, origin, issues: r.issues });
    }
  }
  const runbooks = [...byId.values()].sort(
    (a, b) =>
      a.runbook.kind.localeCompare(b.runbook.kind) ||
      a.runbook.title.localeCompare(b.runbook.title),
  );
  return { runbooks, broken };
}

/** Resolves `warden run <id|path>`: a path (contains / or ends in .yaml/.yml) or a catalog id. */
export async function resolveRunbook(
  files: RunbookFiles,
  catalog: Catalog,
  ref: string,
  known?: KnownIds,
): Promise<LoadedRunbook> {
  const looksLikePath = /[\\/]/.test(ref) || /\.ya?ml$/i.test(ref);
  if (looksLikePath) {
    const r = await loadRunbookFile(files, ref, 'path', known);
    if (!r.ok) {
      throw new UserError(
        r.issues.map(formatIssue).join('\n'),
        `fix the runbook; \`warden runbooks validate ${ref}\` lists every problem`,
      );
    }
    return r.loaded;
  }
  const found = catalog.runbooks.find((l) => l.runbook.id === ref);
  if (found) return found;
  const brokenHit = catalog.broken.find(
    (b) => b.file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '') === ref,
  );
  if (brokenHit) {
    throw new UserError(
      `runbook "${ref}" is invalid:\n${brokenHit.issues.map(formatIssue).join('\n')}`,
      `\`warden runbooks validate ${brokenHit.file}\``,
    );
  }
  throw new UserError(`no runbook with id "${ref}"`, '`warden runbooks list` shows the ids');
}
