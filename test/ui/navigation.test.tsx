/**
 * Keys that flow: the cursor moves on after d/s/f, g/G, ]/[ between open steps, R runs every
 * check step, Tab into the details and back, an unknown key says "? for help" for a moment,
 * Ctrl-C with nothing running asks first.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../../src/engine/session.js';
import { harness, hardeningRunbook, loaded, verdictCheckRunner } from '../fakes/app.js';
import { KEYS, renderTui, type Tui, closed } from '../helpers/ink.js';
import { DepsProvider } from '../../src/ui/hooks/useDeps.js';
import { SessionScreen } from '../../src/ui/screens/SessionScreen.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

const LONG = Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of the guidance.`).join('\n');

async function open(size = { columns: 100, rows: 30 }) {
  const checks = verdictCheckRunner(new Set(['memory-limit']));
  const h = harness({ checks });
  const rb = hardeningRunbook();
  rb.phases[0]!.steps[1]!.guidance = LONG;
  const r = await renderApp(
    h,
    { kind: 'run', loaded: loaded(rb), inputs: { container: 'web' } },
    size,
  );
  tui = r.tui;
  await tui.waitFor('›○ Use a minimal base image');
  return { h, checks, tui: r.tui, session: r.holder.current as Session };
}

const selected = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';

describe('the cursor after resolving a step', () => {
  it('d, s and f move on to the next open step; a failed one stays open for ]', async () => {
    const { tui, session } = await open();
    await tui.pressUntil('d', '›○ Run as a non-root user');
    await tui.pressUntil('s', 'why?');
    await tui.answer('covered by the platform baseline', closed('›○ Do not share host namespaces'));
    await tui.pressUntil('f', 'what happened?');
    await tui.answer('pid: host in the compose file', closed('›○ Set memory limits'));
    expect(session.state.steps['base-image']?.status).toBe('done');
    expect(session.state.steps['non-root']?.status).toBe('skipped');
    expect(session.state.steps['host-ns']?.status).toBe('failed');
    // ] goes to the next open step, wrapping around: the failed one is open.
    await tui.pressUntil(']', '›○ What would we do differently?');
    await tui.pressUntil(']', '›✗ Do not share host namespaces');
    await tui.pressUntil('[', '›○ What would we do differently?');
  });

  it('the cursor stays put when the operator moved meanwhile, and when nothing else is open', async () => {
    const { tui, session } = await open();
    for (const id of ['non-root', 'host-ns', 'limits', 'lessons']) await session.skip(id, 'n/a');
    await tui.waitFor('–4');
    await tui.press('d');
    await tui.waitFor('✓1 –4');
    expect(selected(tui.frame())).toContain('Use a minimal base image');
    await tui.pressUntil(']', 'no other open step');
  });
});

describe('g, G', () => {
  it('go to the first and the last step', async () => {
    const { tui } = await open();
    await tui.pressUntil('G', '›○ What would we do differently?');
    await tui.pressUntil('g', '›○ Use a minimal base image');
  });
});

describe('R: every check step in turn', () => {
  it('runs each open check step once, records each, and says what came of them', async () => {
    const { h, checks, tui, session } = await open();
    await tui.pressUntil('R', /3 check step\(s\) run: 1 passed, 2 failed/);
    expect(checks.runs).toEqual(['root-user', 'host-pid', 'memory-limit']);
    const results = h.store
      .entries(session.id)
      .filter((e) => e.type === 'step.result')
      .map((e) => e.step);
    expect(results).toEqual(['non-root', 'host-ns', 'limits']);
    const f = tui.frame();
    expect(f).toContain('✗ Run as a non-root user');
    expect(f).toContain('✓ Set memory limits');
    expect(f).toContain('] goes to the next open step');
    // Done and skipped ones are left alone the second time; failed ones run again.
    await session.skip('non-root', 'vendor image');
    await tui.pressUntil('R', /1 check step\(s\) run: 0 passed, 1 failed/);
    expect(checks.runs).toEqual(['root-user', 'host-pid', 'memory-limit', 'host-pid']);
  });

  it('c stops the rest of the run', async () => {
    const { h, tui, session } = await open();
    // The fake check holds until the test releases it, so the "cancelling" banner stays up
    // long enough to be seen whatever the machine's load; the abort must still reach it.
    let release = () => {};
    let aborted = false;
    const real = h.checks.run.bind(h.checks);
    h.checks.run = async (ids, ctx) => {
      ctx.signal.addEventListener(
        'abort',
        () => {
          aborted = true;
        },
        { once: true },
      );
      await new Promise<void>((r) => {
        release = r;
      });
      return real(ids, ctx);
    };
    await tui.pressUntil('R', 'running check steps: 1 of 3 (non-root) — c stops the rest');
    expect(tui.frame()).toMatch(/c cancel/);
    await tui.pressUntil('c', 'cancelling "non-root"');
    expect(aborted).toBe(true);
    release();
    await tui.waitFor((f) => !f.includes('cancelling'));
    const started = h.store.entries(session.id).filter((e) => e.type === 'step.started');
    expect(started.map((e) => e.step)).toEqual(['non-root']);
  });
});

describe('Tab: the details pane', () => {
  it('takes the keys (↑↓ scroll it, the list selection stays) and gives them back', async () => {
    const { tui } = await open({ columns: 100, rows: 14 });
    await tui.pressUntil('j', '›○ Run as a non-root user');
    let f = await tui.pressUntil('\t', 'Tab: the list');
    expect(f).toContain('── details');
    expect(f).toMatch(/↑↓ scroll/);
    f = await tui.press('j');
    expect(f).toContain('details · lines 2–');
    expect(selected(f)).toContain('Run as a non-root user');
    f = await tui.pressUntil('\t', '↑↓ move');
    expect(f).not.toContain('Tab: the list');
    await tui.pressUntil('j', '›○ Do not share host namespaces');
  });
});

describe('unknown keys and Ctrl-C', () => {
  it('an unknown key says "? for help" in the footer for a moment', async () => {
    const { tui, session } = await open();
    const before = session.entries.length;
    const f = await tui.pressUntil('z', 'z: no such key here — ? for help');
    expect(f).not.toContain('Enter run');
    await tui.waitFor('Enter run', 4000);
    expect(session.entries).toHaveLength(before);
  });

  it('Ctrl-C with nothing running asks first; n stays, a second Ctrl-C quits', async () => {
    const h = harness();
    const session = await h.start();
    const onQuit = vi.fn();
    tui = await renderTui(
      <DepsProvider deps={h.deps}>
        <SessionScreen
          session={session}
          isFocused
          onBack={vi.fn()}
          onQuit={onQuit}
          onHelp={vi.fn()}
        />
      </DepsProvider>,
    );
    await tui.waitFor('Confirm the alert');
    await tui.pressUntil(KEYS.ctrlC, 'Quit warden? (Ctrl-C again quits) [y/N]');
    expect(tui.frame()).toMatch(/y quit {2}n stay/);
    await tui.pressUntil('n', 'Enter run');
    expect(onQuit).not.toHaveBeenCalled();
    await tui.pressUntil(KEYS.ctrlC, 'Quit warden?');
    tui.stdin.write(KEYS.ctrlC);
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
    await session.close();
  });
});
