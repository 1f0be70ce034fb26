/**
 * The bundled runbooks, parsed and validated once when Warden is built (`scripts/build.js` writes
 * `dist/runbooks.json`), so that launching does not load the YAML parser and the schema to read
 * files that never change between builds. Each entry keeps the SHA-256 of its file: an edited
 * bundled file is parsed at launch as any other (runbook/load.ts). Written by
 * runbook-index-build.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrecompiledRunbooks } from '../runbook/load.js';
import { packageRoot } from './version.js';

export const RUNBOOK_INDEX_FORMAT = 1;

export interface RunbookIndex {
  format: number;
  runbooks: PrecompiledRunbooks;
}

export const RUNBOOK_INDEX_FILE = 'runbooks.json';

/** The index next to the bundle, or undefined (not built, unreadable, another format). */
export async function readRunbookIndex(): Promise<PrecompiledRunbooks | undefined> {
  try {
    const index = JSON.parse(
      await readFile(join(packageRoot(), 'dist', RUNBOOK_INDEX_FILE), 'utf8'),
    ) as Partial<RunbookIndex>;
    return index.format === RUNBOOK_INDEX_FORMAT && index.runbooks ? index.runbooks : undefined;
  } catch {
    return undefined;
  }
}
