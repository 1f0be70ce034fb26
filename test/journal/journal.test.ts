import { readFileSync, writeFileSync, existsSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryHash, parseJournalText, verifyChain } from '../../src/journal/chain.js';
import { canonicalJson } from '../../src/journal/jcs.js';
import { GENESIS_PREV } from '../../src/journal/types.js';
import { Session } from '../../src/engine/session.js';
import { deps, loadedFrom, tempHome, twoPhaseRunbook } from '../helpers/session.js';
import { createHash } from 'node:crypto';

async function sessionWithEntries(home: string) {
  const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
  await s.markDone('a');
  await s.markDone('b');
  await s.skip('c', 'n/a');
  await s.signOff('alice', 'ok');
  return s;
}

describe('hash chain', () => {
  it('uses RFC 8785 canonical JSON and sha256(prev + canonical(entry without hash))', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1e21, y: 0.1 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":0.1,"z":1e+21}}',
    );
    const e = {
      seq: 1,
      ts: '2026-11-23T08:00:00.000Z',
      session: 's',
      operator: 'o',
      type: 'session.started' as const,
      data: {},
      prev: GENESIS_PREV,
    };
    const manual = createHash('sha256')
      .update(GENESIS_PREV + canonicalJson(e))
      .digest('hex');
    expect(entryHash(e)).toBe(manual);
  });

  it('verifies an untouched journal and names the first altered entry', async () => {
    const home = tempHome();
    const s = await sessionWithEntries(home);
    await s.close();
    const text = readFileSync(s.journalPath, 'utf8');
    expect(verifyChain(parseJournalText(text).lines)).toMatchObject({
      ok: true,
      entries: 5,
      signatures: 1,
    });

    const lines = text.trimEnd().split('\n');
    lines[2] = lines[2]!.replace('"operator":"alice"', '"operator":"mallory"');
    const r = verifyChain(parseJournalText(lines.join('\n') + '\n').lines);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({
      line: 3,
      seq: 3,
      reason: 'hash does not match its content (the entry was altered)',
    });

    const dropped = text.trimEnd().split('\n');
    dropped.splice(1, 1);
    expect(verifyChain(parseJournalText(dropped.join('\n') + '\n').lines).problem).toMatchObject({
      line: 2,
      reason: 'sequence number is 3, expected 2',
    });
  });

  it('rejects a sign-off whose signature was re-made for altered content', async () => {
    const home = tempHome();
    const s = await sessionWithEntries(home);
    await s.close();
    const lines = readFileSync(s.journalPath, 'utf8').trimEnd().split('\n');
    const signed = JSON.parse(lines[4]!);
    signed.data.statement = 'something else';
    delete signed.hash;
    signed.hash = entryHash(signed); // a forger can recompute hashes, not the signature
    lines[4] = JSON.stringify(signed);
    const r = verifyChain(parseJournalText(lines.join('\n') + '\n').lines);
    expect(r.problem).toMatchObject({
      line: 5,
      reason: 'sign-off signature invalid: signature does not match',
    });
  });
});

describe('file journal', () => {
  it('keeps a second writer out with a clear message, and lets it in after close', async () => {
    const home = tempHome();
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await expect(Session.resume(deps(home), s.id, 'bob')).rejects.toThrow(
      new RegExp(`session ${s.id} is open in another warden process \\(pid ${process.pid}`),
    );
    await s.close();
    const again = await Session.resume(deps(home), s.id, 'bob');
    expect(again.state.entries).toBe(2);
    await again.close();
  });

  it('takes over a lock left by a dead process', async () => {
    const home = tempHome();
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.close();
    const lock = join(home, 'sessions', s.id, 'journal.lock');
    writeFileSync(
      lock,
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        host: (await import('node:os')).hostname(),
        since: 'then',
      }),
    );
    const again = await Session.resume(deps(home), s.id, 'bob');
    expect(existsSync(lock)).toBe(true);
    await again.close();
    expect(existsSync(lock)).toBe(false);
  });

  it('sets aside a torn trailing line on resume and records the repair; nothing acknowledged is lost', async () => {
    const home = tempHome();
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.markDone('a');
    await s.close();
    appendFileSync(s.journalPath, '{"seq":3,"ts":"2026-');
    const again = await Session.resume(deps(home), s.id, 'alice');
    expect(again.state.steps.a!.status).toBe('done');
    expect(again.entries.map((e) => e.type)).toEqual([
      'session.started',
      'step.done',
      'journal.repaired',
      'session.resumed',
    ]);
    const repaired = again.entries[2]!.data as { savedAs: string; bytes: number };
    expect(repaired.bytes).toBe(20);
    expect(readFileSync(join(home, 'sessions', s.id, repaired.savedAs), 'utf8')).toBe(
      '{"seq":3,"ts":"2026-',
    );
    await again.close();
    expect(verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines).ok).toBe(true);
  });

  it('refuses to append to a tampered journal and leaves the file unchanged', async () => {
    const home = tempHome();
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.markDone('a');
    await s.close();
    const tampered = readFileSync(s.journalPath, 'utf8').replace('"step":"a"', '"step":"c"');
    writeFileSync(s.journalPath, tampered);
    await expect(Session.resume(deps(home), s.id, 'alice')).rejects.toThrow(
      /fails verification at line 2: hash does not match/,
    );
    expect(readFileSync(s.journalPath, 'utf8')).toBe(tampered);
  });
});

describe('file journal under failure', () => {
  it('keeps a complete last entry that only lost its newline (no repair recorded)', async () => {
    const home = tempHome();
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.markDone('a');
    await s.close();
    writeFileSync(s.journalPath, readFileSync(s.journalPath, 'utf8').replace(/\n$/, ''));
    const again = await Session.resume(deps(home), s.id, 'alice');
    expect(again.entries.map((e) => e.type)).toEqual([
      'session.started',
      'step.done',
      'session.resumed',
    ]);
    await again.close();
    expect(verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines).ok).toBe(true);
  });

  it('refuses a tampered journal with a torn tail without cutting anything', async () => {
    const home = tempHome();
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.markDone('a');
    await s.close();
    const tampered =
      readFileSync(s.journalPath, 'utf8').replace('"step":"a"', '"step":"b"') + '{"seq":3,"ts"';
    writeFileSync(s.journalPath, tampered);
    await expect(Session.resume(deps(home), s.id, 'alice')).rejects.toThrow(
      /fails verification at line 2/,
    );
    expect(readFileSync(s.journalPath, 'utf8')).toBe(tampered);
  });

  it('lets exactly one of several processes take over a stale lock', async () => {
    const home = tempHome();
    const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.close();
    const lock = join(home, 'sessions', s.id, 'journal.lock');
    const { hostname } = await import('node:os');
    for (let trial = 0; trial < 25; trial++) {
      writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 4242, host: hostname(), since: 'then' }));
      const opened = await Promise.allSettled(
        [0, 1, 2].map(() => Session.resume(deps(home), s.id, 'x')),
      );
      const winners = opened.filter((o) => o.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const o of opened)
        if (o.status === 'rejected')
          expect(String(o.reason)).toMatch(/open in another warden process|could not lock/);
      await (winners[0] as PromiseFulfilledResult<Session>).value.close();
    }
    expect(verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines)).toMatchObject({
      ok: true,
      entries: 26,
    });
  });
});
