// Journal append (hash-chained, fsynced before it resolves) beside a bare fsynced append of the
// same bytes to a file of its own, interleaved in rounds so machine load falls on both.
// Goal: ≤ 1.2× the bare append (the hashing and canonical JSON cost next to nothing beside fsync).
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { figure, importSrc, median, rm, tempDir } from './common.js';

const ROUNDS = 11;
const PER_ROUND = 100;

export default async function journalBench() {
  const { createFileSessionStore } = await importSrc('src/journal/file.ts');
  const home = tempDir('warden-bench-journal-');
  try {
    const store = createFileSessionStore(home, { now: () => new Date() });
    const j = await store.create(
      '20261203-000000-bench0',
      { type: 'session.started', data: { bench: true } },
      'bench',
    );
    const bare = await open(join(home, 'bare.jsonl'), 'a', 0o600);
    const journal = [];
    const reference = [];
    for (let r = 0; r < ROUNDS; r++) {
      const from = j.entries.length;
      let t = performance.now();
      for (let i = 0; i < PER_ROUND; i++)
        await j.append(
          {
            type: 'note.added',
            step: 'contain',
            data: { note: `round ${r} entry ${i} ${'x'.repeat(200)}` },
          },
          'bench',
        );
      journal.push(((performance.now() - t) * 1000) / PER_ROUND);
      // The same bytes the journal wrote for this round, one fsynced write per line.
      const lines = (await readFile(j.path, 'utf8')).split('\n').slice(from, from + PER_ROUND);
      t = performance.now();
      for (const line of lines) {
        await bare.write(`${line}\n`);
        await bare.sync();
      }
      reference.push(((performance.now() - t) * 1000) / PER_ROUND);
    }
    await bare.close();
    await j.close();
    figure(
      'journal append (fsynced) vs bare fsynced append, per entry',
      median(journal),
      median(reference),
      1.2,
      'µs',
    );
  } finally {
    rm(home);
  }
}
