import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
import { initialScreen, repairBanner } from '../../src/ui/screens/sessionModel.js';
import { deps, loadedFrom, tempHome, twoPhaseRunbook } from '../helpers/session.js';

describe('resume after a torn write', () => {
  it('the session screen opens with a banner saying the torn line was set aside', async () => {
    const home = tempHome();
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.markDone('a');
    await s.close();

    const plain = await Session.resume(deps(home), s.id, 'alice');
    expect(repairBanner(plain.entries)).toBeUndefined();
    await plain.close();

    appendFileSync(s.journalPath, '{"seq":5,"ts":"2026-');
    const again = await Session.resume(deps(home), s.id, 'alice');
    const banner = repairBanner(again.entries);
    expect(banner?.tone).toBe('warn');
    expect(banner?.text).toMatch(
      /cut off by a crash .*set aside as journal\.torn-\S+ and recorded; everything before it is intact/,
    );
    expect(initialScreen('a', again.entries).banner).toEqual(banner);
    await again.close();
  });
});
