/**
 * Marks that tell the truth: an accepted failure has its own mark (⚑) in the list, the header
 * counts, the "resolved" banner and the sign-off review, which names accepted critical and high
 * findings before the signature.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/engine/session.js';
import { harness, hardeningRunbook, loaded, verdictCheckRunner } from '../fakes/app.js';
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

async function open(columns = 100, rows = 30) {
  const h = harness({ checks: verdictCheckRunner(new Set(['memory-limit'])) });
  const r = await renderApp(
    h,
    { kind: 'run', loaded: loaded(hardeningRunbook()), inputs: { container: 'web' } },
    { columns, rows },
  );
  tui = r.tui;
  await tui.waitFor('Use a minimal base image');
  return { h, tui: r.tui, session: r.holder.current as Session };
}

const run = (s: Session, id: string) => s.run(id, { signal: new AbortController().signal });

describe('accepted risks', () => {
  it('an accepted failure shows ⚑ in the list and is counted apart in the header', async () => {
    const { tui, session } = await open();
    await run(session, 'host-ns');
    await session.markDone('host-ns', { acceptReason: 'APM agent needs the host pid namespace' });
    await run(session, 'limits');
    const f = await tui.waitFor('⚑ Do not share host namespaces');
    expect(f).not.toContain('✓ Do not share host namespaces');
    expect(f).toContain('✓ Set memory limits');
    // Counts: done, accepted, failed apart.
    expect(f).toMatch(/Mini hardening · 2\/5 · ✓1 ⚑1 · session/);
    await tui.pressUntil('jj', '›⚑ Do not share host namespaces');
    expect(tui.frame()).toContain('⚑ accepted risk · check step · critical');
    expect(tui.frame()).toContain('accepted because: APM agent needs the host pid namespace');
  });

  it('with an accepted risk, the "resolved" banner is a warning, never the green ✓', async () => {
    const { tui, session } = await open();
    await run(session, 'host-ns');
    await session.markDone('host-ns', { acceptReason: 'needed' });
    for (const id of ['base-image', 'non-root', 'limits']) await session.skip(id, 'n/a');
    await session.markDone('lessons', { note: 'monitor earlier' });
    const f = await tui.waitFor('All steps resolved');
    expect(f).toContain('! All steps resolved — 1 accepted risk — press S to sign off');
    expect(f).not.toContain('✓ All steps resolved');
  });

  it('the sign-off review names the accepted critical/high findings before the signature', async () => {
    const { h, tui, session } = await open(100, 40);
    await run(session, 'host-ns');
    await session.markDone('host-ns', { acceptReason: 'APM agent needs it; SEC-42' });
    await run(session, 'non-root');
    await session.markDone('non-root', { acceptReason: 'vendor image' });
    await run(session, 'limits');
    await session.markDone('base-image');
    await session.skip('lessons', 'drill');
    await tui.waitFor('All steps resolved');
    const f = await tui.pressUntil('S', 'Sign off a record with 2 accepted risks: your name');
    const review = f.slice(0, f.indexOf('Sign off a record'));
    expect(review).toContain('Before you sign: what this record says');
    expect(review).toContain('5 steps: 2 done · 2 accepted risks · 1 skipped · 0 failed');
    expect(review).toContain('You accept 1 critical/high finding(s):');
    // The finding by name (check and target), then who accepted it and why.
    expect(review).toMatch(
      /⚑ HIGH host-pid · container web \(776562000000\)\n\s+step host-ns, accepted by alice: APM agent needs it; SEC-42/,
    );
    expect(review).toContain('and 1 lower accepted risk(s), listed in the report');
    expect(review).toContain('– Skipped (1): lessons');
    await tui.answer('', 'statement');
    await tui.answer('', 'SIGNED by alice');
    expect(h.store.entries(session.id).at(-1)?.type).toBe('session.signed');
  });

  it('Esc leaves the review and the list comes back', async () => {
    const { tui, session } = await open();
    for (const id of session.state.order) await session.skip(id, 'n/a');
    await tui.waitFor('All steps resolved');
    await tui.pressUntil('S', 'Before you sign');
    const f = await tui.pressUntil(KEYS.escape, 'Use a minimal base image');
    expect(f).not.toContain('Before you sign');
  });
});
