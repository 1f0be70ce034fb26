import { afterEach, describe, expect, it } from 'vitest';
import type { Runbook } from '../../src/runbook/types.js';
import type { Session } from '../../src/engine/session.js';
import { bannerLines } from '../../src/ui/components/Banner.js';
import { commandLine } from '../../src/ui/detail.js';
import { harness, incidentRunbook, loaded, step, type Harness } from '../fakes/app.js';
import { KEYS, height, width, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

async function open(h: Harness, rb: Runbook, size?: { columns: number; rows: number }) {
  const r = await renderApp(h, { kind: 'run', loaded: loaded(rb), inputs: {} }, size);
  tui = r.tui;
  await r.tui.waitFor('Confirm the alert');
  return { tui: r.tui, session: r.holder.current! as Session };
}

/** The frame's rows joined without their padding: text wrapped over rows reads whole again. */
const joined = (f: string) =>
  f
    .split('\n')
    .map((l) => l.trim())
    .join('');

/** The same for prose wrapped at word boundaries. */
const words = (f: string) =>
  f
    .split('\n')
    .map((l) => l.trim())
    .join(' ');

const within = (f: string, cols: number, rows: number) => {
  expect(width(f)).toBeLessThanOrEqual(cols);
  expect(height(f)).toBeLessThanOrEqual(rows);
};

describe('sign-off with failed steps', () => {
  it('the banner and both sign-off prompts name the failed steps', async () => {
    const h = harness();
    const { tui, session } = await open(h, incidentRunbook());
    const [a, b, ...rest] = session.state.order;
    await session.fail(b!, 'still root');
    for (const id of [a!, ...rest]) {
      if (id === 'write-up') await session.fail(id, 'no time');
      else await session.skip(id, 'n/a');
    }
    const failed = `2 failed (${b}, write-up)`;
    const f = await tui.waitFor(`All steps resolved — ${failed} — press S to sign off`);
    expect(f).not.toContain('✓ All steps resolved');
    expect(f).toContain('! All steps resolved');
    await tui.pressUntil('S', 'your name');
    expect(words(tui.frame())).toContain(`Sign off a record with ${failed}: your name`);
    await tui.answer('', 'statement');
    expect(words(tui.frame())).toContain(`Sign off as alice a record with ${failed}: statement`);
    await tui.answer('', 'SIGNED by alice');
    expect(session.state.status).toBe('signed');
  });

  it('an accepted failure is not listed: the plain banner shows', async () => {
    const h = harness();
    const { tui, session } = await open(h, incidentRunbook());
    for (const id of session.state.order) await session.skip(id, 'n/a');
    const f = await tui.waitFor('All steps resolved — press S to sign off');
    expect(f).toContain('✓ All steps resolved');
    await tui.pressUntil('S', 'Sign off: your name');
  });
});

describe('command line masking', () => {
  it('masks secret arguments before display', async () => {
    const rb = incidentRunbook();
    rb.phases[0]!.steps[0] = step({
      id: 'confirm-alert',
      title: 'Confirm the alert',
      type: 'command',
      command: ['docker', 'run', '-e', 'DB_PASSWORD=secret', '--password', 'hunter22', 'img'],
    });
    const h = harness();
    const { tui } = await open(h, rb);
    const f = await tui.waitFor('$ docker run');
    expect(joined(f)).toContain('DB_PASSWORD=***');
    expect(f).not.toContain('secret');
    expect(f).not.toContain('hunter22');
    expect(commandLine(['env', 'API_TOKEN=abc123', 'ls'])).toBe("$ env 'API_TOKEN=***' ls");
    expect(commandLine(['login', '--password', 'hunter22', '--user', 'bob'])).toBe(
      "$ login --password '***' --user bob",
    );
  });
});

describe('copyable text is never cut', () => {
  for (const [cols, rows] of [
    [60, 20],
    [80, 24],
  ] as const) {
    it(`${cols}×${rows}: session id, head hash and journal path are whole`, async () => {
      const h = harness();
      const { tui, session } = await open(h, incidentRunbook(), { columns: cols, rows });
      let f = tui.frame();
      within(f, cols, rows);
      expect(f).toContain(`session ${session.id}`);
      for (const id of session.state.order) await session.skip(id, 'n/a');
      await tui.waitFor('press S to sign off');
      await tui.pressUntil('S', 'your name');
      await tui.answer('', 'statement');
      f = await tui.answer('', 'SIGNED by alice');
      const hash = session.state.signoffs.at(-1)!.hash;
      expect(hash).toHaveLength(64);
      within(f, cols, rows);
      expect(f).not.toMatch(/…\S*$/m);
      expect(joined(f)).toContain(hash);
      expect(joined(f)).toContain(session.journalPath);
      expect(f).toContain(session.id);
      if (cols >= 64) expect(f).toContain(hash);
    });
  }

  it('a long error banner wraps to at most 3 rows instead of being cut', () => {
    const text =
      'journal of session 2026-05-01T10-00-00-abcd is tampered: entry 12 hash does not match the hash recorded in entry 13 of the chain — run `warden verify 2026-05-01T10-00-00-abcd` for details';
    const lines = bannerLines({ tone: 'danger', text }, 80);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.join(' ')).toBe(`✗ ${text}`);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('60×20: a lock refusal on home shows whole within the width', async () => {
    const h = harness();
    const s = await h.start();
    await s.close();
    ({ tui } = await renderApp(h, { kind: 'home' }, { columns: 60, rows: 20 }));
    await tui.waitFor('Sessions in progress');
    h.store.foreignLocks.add(s.id);
    await tui.stdin.write(KEYS.enter);
    const f = await tui.waitFor((fr) => joined(fr).includes('close it there first'));
    expect(words(f)).toContain(`session ${s.id} is open in another warden process`);
    within(f, 60, 20);
  });
});
