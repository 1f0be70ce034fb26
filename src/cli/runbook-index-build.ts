/** Builds dist/runbooks.json (see runbook-index.ts); run by scripts/build.js, never at launch. */
import { ACTIONS } from '../actions/runner.js';
import { runbookFiles } from '../adapters/runbook-files.js';
import { CHECK_IDS } from '../checks/runner.js';
import { loadCatalog, type PrecompiledRunbooks } from '../runbook/load.js';
import { RUNBOOK_INDEX_FORMAT, type RunbookIndex } from './runbook-index.js';

/** The check and action ids runbooks may name: the same lists the runners are built from. */
export function knownIds() {
  return { checks: new Set(CHECK_IDS), actions: new Set(ACTIONS.map((a) => a.id)) };
}

/** Parses every runbook in `dir`; throws with every problem when one does not load. */
export async function buildRunbookIndex(dir: string): Promise<RunbookIndex> {
  const catalog = await loadCatalog(runbookFiles, { bundled: dir }, knownIds());
  if (catalog.broken.length)
    throw new Error(
      catalog.broken
        .map(
          (b) => `${b.file}: ${b.issues.map((i) => `${i.line}:${i.col} ${i.message}`).join('; ')}`,
        )
        .join('\n'),
    );
  const runbooks: Record<string, PrecompiledRunbooks[string]> = {};
  for (const l of catalog.runbooks)
    runbooks[l.file.replace(/^.*[\\/]/, '')] = { sha256: l.sha256, runbook: l.runbook };
  return { format: RUNBOOK_INDEX_FORMAT, runbooks };
}
