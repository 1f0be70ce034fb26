import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/engine/session.js';
import { harness, incidentRunbook, loaded, type Harness } from '../fakes/app.js';
import { KEYS, height, type Tui, closed } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

const WIDE = { columns: 140, rows: 40 };

async function open(h: Harness) {
  const r = await renderApp(
    h,
    { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} },
    WIDE,
  );
  tui = r.tui;
  await r.tui.waitFor('Confirm the alert');
  return { tui: r.tui, session: r.holder.current as Session };
}

describe('dry run and session notes', () => {
  it('x dry-runs a command step: recorded, shown, nothing run, the step stays pending', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('j', '›○ Capture container state');
    const f = await tui.pressUntil('x', 'Dry run');
    expect(f).toContain('would run: docker inspect web');
    expect(f).toContain('nothing was changed');
    expect(f).toContain('›○ Capture container state');
    expect(h.shell.calls).toHaveLength(0);
    const result = session.entries.find((e) => e.type === 'step.result');
    expect(result?.data).toMatchObject({ dryRun: true, outcome: 'ok' });
    expect(session.state.steps['capture-state']?.status).toBe('pending');
  });

  it('x dry-runs a destructive action without a confirmation and shows what it would do', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('jj', '›⊘ Isolate the container');
    await tui.pressUntil('o', 'override the gate?');
    await tui.answer('inspect kept by hand', closed('›○ Isolate the container'));
    const f = await tui.pressUntil('x', 'would disconnect web from 2 networks');
    expect(f).not.toContain('Type "web"');
    expect(h.actions.ran).toEqual([]);
    expect(session.state.steps.isolate?.status).toBe('pending');
    expect(height(f)).toBeLessThanOrEqual(40);
  });

  it('x on a manual step says there is nothing to dry-run', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    const before = session.entries.length;
    await tui.pressUntil('x', 'a manual step has nothing to dry-run');
    expect(session.entries).toHaveLength(before);
  });

  it('N adds a note to the session itself; an empty one is refused', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('N', 'Note on the session');
    await tui.answer('', 'a note cannot be empty');
    await tui.answer('bridge call opened 03:10', 'Session note recorded');
    const note = session.entries.at(-1)!;
    expect(note.type).toBe('note.added');
    expect(note.step).toBeUndefined();
    expect(note.data.text).toBe('bridge call opened 03:10');
    expect(session.state.notes.map((n) => n.text)).toEqual(['bridge call opened 03:10']);
    // Shown in the details (after the step's guidance).
    let f = tui.frame();
    while (!f.includes('Session notes') && f.includes('more (PgDn/J)')) f = await tui.press('J');
    expect(f).toContain('bridge call opened 03:10');
  });
});

describe('an action interrupted by a crash, on resume', () => {
  async function crashedSession(h: Harness): Promise<string> {
    const s = await h.start();
    await s.close();
    // What a crash leaves: the intent of the isolate step, no result.
    const j = await h.store.open(s.id);
    await j.append(
      {
        type: 'step.started',
        step: 'isolate',
        data: { kind: 'action', action: 'isolate', params: { container: 'web' }, dryRun: false },
      },
      'alice',
    );
    await j.close();
    return s.id;
  }

  it('re-reads what it left behind and shows it before offering the retry', async () => {
    const h = harness();
    const id = await crashedSession(h);
    ({ tui } = await renderApp(h, { kind: 'resume', sessionId: id }, WIDE));
    await tui.waitFor('Confirm the alert');
    await tui.pressUntil('jj', '›! Isolate the container');
    const f = await tui.waitFor('Where it stopped');
    expect(f).toContain('still attached to frontend, backend');
    expect(f).toContain('run isolate again: it picks up where it stopped');
    expect(f).toContain('Enter runs it again');
    expect(h.interrupted.calls).toHaveLength(1);
    expect(h.interrupted.calls[0]).toMatchObject({
      sessionId: id,
      rec: {
        action: 'isolate',
        step: 'isolate',
        status: 'interrupted',
        params: { container: 'web' },
      },
    });
    // Moving away and back does not read it again.
    await tui.pressUntil('k', '›○ Capture container state');
    await tui.pressUntil('j', 'Where it stopped');
    expect(h.interrupted.calls).toHaveLength(1);
  });

  it('when retrying is not safe as is, says so', async () => {
    const h = harness();
    h.interrupted.answer = {
      facts: ['web no longer exists'],
      safeToRetry: false,
      advice: 'nothing to isolate any more; record what happened',
    };
    const id = await crashedSession(h);
    ({ tui } = await renderApp(h, { kind: 'resume', sessionId: id }, WIDE));
    await tui.waitFor('Confirm the alert');
    await tui.pressUntil('jj', '›! Isolate the container');
    const f = await tui.waitFor('retrying as is is not safe');
    expect(f).toContain('web no longer exists');
    await tui.pressUntil(KEYS.escape, 'Incident response');
  });
});
