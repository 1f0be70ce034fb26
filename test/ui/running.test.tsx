/**
 * While a step runs: the footer shows only what works then (cancel, scroll, help, quit), the
 * `cancelling…` banner goes once the step ends, and the step view shows its elapsed time (a live
 * clock only when the UI animates).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/engine/session.js';
import { harness, incidentRunbook, loaded } from '../fakes/app.js';
import { fakeShell } from '../fakes/ports.js';
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

async function running(opts: { animate?: boolean; now?: () => number } = {}) {
  const h = harness({ shell: fakeShell({ lines: ['still working'], hang: true }) });
  h.deps.animate = opts.animate ?? false;
  if (opts.now) h.deps.now = opts.now;
  const r = await renderApp(h, { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} });
  tui = r.tui;
  await tui.waitFor('Confirm the alert');
  await tui.pressUntil('j', '›○ Capture container state');
  await tui.pressUntil(KEYS.enter, 'still working');
  return { h, tui: r.tui, session: r.holder.current as Session };
}

const footer = (f: string) => f.split('\n').at(-1) ?? '';

describe('a running step', () => {
  it('the footer shows only what works: cancel, scroll, help, quit', async () => {
    const { tui } = await running();
    expect(footer(tui.frame())).toBe('c cancel  PgDn/J scroll  ? help  q quit');
    // A key that does nothing now says so instead of doing it later.
    await tui.pressUntil('d', 'd: no such key here — ? for help');
    // Moving works (the step keeps running).
    await tui.pressUntil('k', '›○ Confirm the alert');
    expect(tui.frame()).toContain('Capture container state');
  });

  it('the cancelling banner shows while the cancel is under way and goes when the step ends', async () => {
    const h = harness();
    // A program that takes a while to stop once asked to.
    let stopped = () => {};
    const gate = new Promise<void>((r) => (stopped = r));
    h.shell.run = async (run) => {
      run.onLine('working', 'stdout');
      await new Promise<void>((r) =>
        run.signal.addEventListener('abort', () => r(), { once: true }),
      );
      await gate;
      return { cancelled: true, timedOut: false, durationMs: 5 };
    };
    const r = await renderApp(h, { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} });
    tui = r.tui;
    await tui.waitFor('Confirm the alert');
    await tui.pressUntil('j', '›○ Capture container state');
    await tui.pressUntil(KEYS.enter, 'working');
    await tui.pressUntil('c', '! cancelling "capture-state"… (the journal records the cancel)');
    stopped();
    const f = await tui.waitFor('cancelled by the operator');
    expect(f).not.toContain('cancelling');
    expect(footer(f)).toContain('Enter run');
  });

  it('shows its elapsed time, from the journal’s start entry', async () => {
    const { tui: first, session } = await running();
    const started = Date.parse(session.state.steps['capture-state']!.started!.at);
    first.unmount();
    // The same session, rendered again "75 s later".
    const h2 = harness();
    h2.deps.now = () => started + 75_000;
    const { SessionScreen } = await import('../../src/ui/screens/SessionScreen.js');
    const { DepsProvider } = await import('../../src/ui/hooks/useDeps.js');
    const { renderTui } = await import('../helpers/ink.js');
    tui = await renderTui(
      <DepsProvider deps={h2.deps}>
        <SessionScreen
          session={session}
          isFocused
          onBack={() => {}}
          onQuit={() => {}}
          onHelp={() => {}}
        />
      </DepsProvider>,
    );
    await tui.pressUntil('j', 'running 1:15 · output (c to cancel):');
  });

  it('the clock ticks when the UI animates (a TTY)', async () => {
    let now = Date.parse('2025-01-15T03:00:10.000Z');
    const { tui } = await running({ animate: true, now: () => now });
    const first = /running (\S+ s|\d+:\d\d)/.exec(tui.frame())?.[1];
    expect(first).toBeDefined();
    now += 62_000;
    const later = await tui.waitFor((f) => /running \d+:\d\d/.test(f), 3000);
    expect(/running (\d+:\d\d)/.exec(later)?.[1]).not.toBe(first);
  });
});
