/**
 * The bundled runbooks as parsed at build time (dist/runbooks.json): the same runbooks the parser
 * gives for the same text, used only while a file's text is the one indexed.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runbookFiles } from '../../src/adapters/runbook-files.js';
import { buildRunbookIndex, knownIds } from '../../src/cli/runbook-index-build.js';
import { loadCatalog, sha256 } from '../../src/runbook/load.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { loadedFrom, twoPhaseRunbook } from '../helpers/session.js';

const BUNDLED = join(import.meta.dirname, '..', '..', 'runbooks');

describe('precompiled bundled runbooks', () => {
  it('holds, for every bundled file, what the parser gives for its text (through JSON)', async () => {
    const index = JSON.parse(JSON.stringify(await buildRunbookIndex(BUNDLED)));
    const files = await runbookFiles.listYaml(BUNDLED);
    expect(Object.keys(index.runbooks).sort()).toEqual(
      files.map((f) => f.replace(/^.*\//, '')).sort(),
    );
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const parsed = parseRunbook(text, file, knownIds());
      if (!parsed.ok) throw new Error(`${file} does not parse`);
      const entry = index.runbooks[file.replace(/^.*\//, '')];
      expect(entry.sha256).toBe(sha256(text));
      expect(entry.runbook).toEqual(parsed.runbook);
    }
  });

  it('is used while the text hashes the same; an edited file is parsed again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-precompiled-'));
    const text = readFileSync(join(BUNDLED, 'container-hardening.yaml'), 'utf8');
    writeFileSync(join(dir, 'container-hardening.yaml'), text);
    // A stand-in runbook under the file's true hash: only the index can have produced it.
    const stand = loadedFrom(twoPhaseRunbook).runbook;
    const index = { 'container-hardening.yaml': { sha256: sha256(text), runbook: stand } };
    let asked = 0;
    const known = () => (asked++, knownIds());
    const used = await loadCatalog(runbookFiles, { bundled: dir }, known, index);
    expect(used.runbooks.map((l) => l.runbook.id)).toEqual(['demo']);
    expect(asked).toBe(0); // nothing was parsed, so the ids were not needed

    writeFileSync(
      join(dir, 'container-hardening.yaml'),
      text.replace(/^title: .*$/m, 'title: Edited'),
    );
    const edited = await loadCatalog(runbookFiles, { bundled: dir }, known, index);
    expect(edited.runbooks.map((l) => [l.runbook.id, l.runbook.title])).toEqual([
      ['container-hardening', 'Edited'],
    ]);
    expect(asked).toBe(1);

    // The index is for the bundled directory only: a user's file of the same name is parsed.
    const user = await loadCatalog(runbookFiles, { bundled: join(dir, 'none'), user: dir }, known, {
      'container-hardening.yaml': {
        sha256: sha256(text.replace(/^title: .*$/m, 'title: Edited')),
        runbook: stand,
      },
    });
    expect(user.runbooks.map((l) => l.runbook.id)).toEqual(['container-hardening']);
  });
});
