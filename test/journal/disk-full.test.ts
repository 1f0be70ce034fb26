/**
 * A journal on a full disk: the failed append is refused with a clear error, rolled back, and the
 * journal stays a valid chain; once space is back, recording goes on. Needs a small tmpfs, which
 * only root can mount: skipped with that reason elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
import { parseJournalText, verifyChain } from '../../src/journal/chain.js';
import { deps, loadedFrom, twoPhaseRunbook } from '../helpers/session.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'warden-tinyfs-'));
const mounted =
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', mountPoint], {
    stdio: 'ignore',
  }).status === 0;

afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint], { stdio: 'ignore' });
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)('journal on a full disk (needs root to mount a 256 KiB tmpfs)', () => {
  it('refuses the write, keeps the chain valid, and records again once space is back', async () => {
    const home = join(mountPoint, 'home');
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.markDone('a');
    const filler = join(mountPoint, 'filler');
    const free = () => {
      const st = statfsSync(mountPoint);
      return st.bavail * st.bsize;
    };
    writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 512)));
    const entriesBefore = s.state.entries;
    await expect(s.addNote('b', 'x'.repeat(8192))).rejects.toThrow(
      /could not record note.added .*ENOSPC \(disk full\)/,
    );
    expect(s.state.entries).toBe(entriesBefore);
    expect(verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines)).toMatchObject({
      ok: true,
      entries: entriesBefore,
    });

    rmSync(filler);
    await s.addNote('b', 'after the disk was freed');
    await s.close();
    const chain = verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines);
    expect(chain).toMatchObject({ ok: true, entries: entriesBefore + 1 });
  });
});
