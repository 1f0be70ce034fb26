/**
 * Every screen at 60×20, 80×24 and 120×40, as plain text (ANSI stripped) in
 * test/ui/__screens__/<screen>-<size>.txt. Deterministic: fixed clocks, counter session ids, no
 * animation. A layout change shows up as a readable diff of these files (`vitest -u` rewrites them
 * after a deliberate change; read the diff first).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/engine/session.js';
import {
  harness,
  hardeningRunbook,
  incidentRunbook,
  loaded,
  verdictCheckRunner,
} from '../fakes/app.js';
import { fakeDocker } from '../fakes/docker.js';
import { KEYS, height, width, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

const SIZES = [
  { columns: 60, rows: 20 },
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
] as const;

type Size = (typeof SIZES)[number];

async function snap(name: string, size: Size, frame: string) {
  // Nothing outside the terminal: at most its width, and a row kept for the cursor.
  expect(width(frame)).toBeLessThanOrEqual(size.columns);
  expect(height(frame)).toBeLessThanOrEqual(size.rows - 1);
  const text = frame
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
  await expect(`${text}\n`).toMatchFileSnapshot(
    `./__screens__/${name}-${size.columns}x${size.rows}.txt`,
  );
}

/** A hardening session with results: two checks run (one accepted), a step skipped. */
async function workedSession(size: Size) {
  const h = harness({ checks: verdictCheckRunner(new Set(['memory-limit'])) });
  const r = await renderApp(
    h,
    { kind: 'run', loaded: loaded(hardeningRunbook()), inputs: { container: 'web' } },
    size,
  );
  tui = r.tui;
  const session = r.holder.current as Session;
  await tui.waitFor('Use a minimal base image');
  const signal = new AbortController().signal;
  await session.run('host-ns', { signal });
  await session.markDone('host-ns', { acceptReason: 'the APM agent needs the host pid namespace' });
  await session.run('limits', { signal });
  await session.skip('base-image', 'distroless already');
  await tui.waitFor('⚑ Do not share host namespaces');
  return { h, session, tui: r.tui };
}

describe.each(SIZES)('screens at $columns×$rows', (size) => {
  it('home', async () => {
    const h = harness();
    const a = await h.start(incidentRunbook(), { container: 'web' });
    await a.markDone('confirm-alert');
    await a.close();
    const b = await h.start(hardeningRunbook(), {});
    for (const id of b.state.order) await b.skip(id, 'n/a');
    await b.signOff('Jane Reviewer', 'reviewed');
    await b.close();
    ({ tui } = await renderApp(h, { kind: 'home' }, size));
    await snap('home', size, await tui.waitFor('Docker 27.0.0'));
  });

  it('inputs: the container picker', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }, size));
    await tui.waitFor('Docker 27.0.0');
    await snap('picker', size, await tui.pressUntil(KEYS.enter, /NAME +IMAGE/));
  });

  it('inputs: a text input', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }, size));
    await tui.waitFor('Docker 27.0.0');
    await tui.pressUntil('j', '› Container hardening');
    await snap(
      'inputs',
      size,
      await tui.pressUntil(KEYS.enter, 'Host name (host, string, required)'),
    );
  });

  it('session: steps and the details of a failed check', async () => {
    const { tui } = await workedSession(size);
    await tui.pressUntil('j', '›○ Run as a non-root user');
    await snap('session', size, await tui.pressUntil(KEYS.enter, '✗ FAIL root-user'));
  });

  it('session: the sign-off review', async () => {
    const { tui, session } = await workedSession(size);
    await session.skip('non-root', 'vendor image, ticket SEC-9');
    await session.markDone('lessons', { note: 'page the owner at once' });
    await tui.waitFor('All steps resolved');
    await snap('signoff', size, await tui.pressUntil('S', 'your name'));
  });

  it('audit', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }, size));
    await tui.waitFor('Docker 27.0.0');
    await tui.pressUntil('G', '› Audit the engines');
    await snap('audit', size, await tui.pressUntil(KEYS.enter, '1 critical, 1 high'));
  });

  it('audit-engines', async () => {
    const h = harness({ contexts: { 'db-primary': fakeDocker(), 'edge-eu-west-1': fakeDocker() } });
    ({ tui } = await renderApp(h, { kind: 'home' }, size));
    await tui.waitFor('Docker 27.0.0');
    await tui.pressUntil('G', '› Audit the engines');
    await tui.pressUntil(KEYS.enter, 'Engines to audit');
    await snap('audit-engines', size, await tui.pressUntil('j', '› [ ] db-primary'));
  });

  it('help', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }, size));
    await tui.waitFor('Docker 27.0.0');
    await snap('help', size, await tui.pressUntil('?', 'Keys'));
  });
});
