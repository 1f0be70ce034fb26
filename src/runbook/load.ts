/**
 * Finds runbooks: bundled (`runbooks/`), the user's (`$WARDEN_HOME/runbooks/`, same id overrides
 * the bundled one) and explicit paths. File access is injected, so this stays pure.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import type { KnownIds } from './parse.js';
import type { LoadedRunbook, Runbook, RunbookIssue, RunbookOrigin } from './types.js';

/**
 * Runbooks parsed and validated when Warden was built, by file name, each with the SHA-256 of the
 * text it was parsed from. A file whose text hashes the same is the same runbook and is not parsed
 * again; any other text (an edited bundled file) is parsed as usual.
 */
export type PrecompiledRunbooks = Readonly<Record<string, { sha256: string; runbook: Runbook }>>;

/** Check and action ids, or a way to get them only when a file has to be parsed. */
export type KnownIdsSource = KnownIds | (() => KnownIds | undefined);

const parser = () => import('./parse.js');

/** `file:line:col: message` for each issue (the parser's own format). */
export async function formatIssues(issues: readonly RunbookIssue[]): Promise<string> {
  const { formatIssue } = await parser();
  return issues.map(formatIssue).join('\n');
}

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
  known?: KnownIdsSource,
  precompiled?: PrecompiledRunbooks[string],
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
  const hash = sha256(text);
  if (precompiled?.sha256 === hash)
    return { ok: true, loaded: { runbook: precompiled.runbook, origin, file, sha256: hash } };
  const { parseRunbook } = await parser();
  const parsed = parseRunbook(text, file, typeof known === 'function' ? known() : known);
  if (!parsed.ok) return parsed;
  return { ok: true, loaded: { runbook: parsed.runbook, origin, file, sha256: hash } };
}

export async function loadCatalog(
  files: RunbookFiles,
  dirs: { bundled: string; user?: string },
  known?: KnownIdsSource,
  /** The bundled runbooks as parsed at build time (only ever used for the bundled directory). */
  precompiled?: PrecompiledRunbooks,
): Promise<Catalog> {
  let ids: { value: KnownIds | undefined } | undefined;
  const knownOnce = () => (ids ??= { value: typeof known === 'function' ? known() : known }).value;
  const byId = new Map<string, LoadedRunbook>();
  const broken: Catalog['broken'] = [];
  const sources: [string | undefined, RunbookOrigin][] = [
    [dirs.bundled, 'bundled'],
    [dirs.user, 'user'],
  ];
  for (const [dir, origin] of sources) {
    if (!dir) continue;
    for (const file of (await files.listYaml(dir)).sort()) {
      const name = file.replace(/^.*[\\/]/, '');
      const pre = origin === 'bundled' ? precompiled?.[name] : undefined;
      const r = await loadRunbookFile(files, file, origin, knownOnce, pre);
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
  known?: KnownIdsSource,
): Promise<LoadedRunbook> {
  const looksLikePath = /[\\/]/.test(ref) || /\.ya?ml$/i.test(ref);
  if (looksLikePath) {
    const r = await loadRunbookFile(files, ref, 'path', known);
    if (!r.ok) {
      throw new UserError(
        await formatIssues(r.issues),
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
      `runbook "${ref}" is invalid:\n${await formatIssues(brokenHit.issues)}`,
      `\`warden runbooks validate ${brokenHit.file}\``,
    );
  }
  throw new UserError(`no runbook with id "${ref}"`, '`warden runbooks list` shows the ids');
}
