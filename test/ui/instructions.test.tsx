/**
 * Instructions that match the keys: a question says `n to answer` (and d asks for the answer
 * rather than refusing); a program that is not installed says "install X, or skip"; a verdict
 * about a container that is gone or was recreated is marked stale and offers a re-check.
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
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

describe('question steps', () => {
  it('say "n to answer"; n records the answer and the step is done; d asks for the answer', async () => {
    const h = harness();
    const r = await renderApp(h, {
      kind: 'run',
      loaded: loaded(hardeningRunbook()),
      inputs: {},
    });
    tui = r.tui;
    const session = r.holder.current as Session;
    await tui.waitFor('Use a minimal base image');
    let f = await tui.pressUntil('G', '›○ What would we do differently?');
    expect(f).toContain('A question: n to answer');
    expect(f).not.toContain('Do it, then d done');
    // d does not refuse: it asks for the answer.
    await tui.pressUntil('d', 'Answer "lessons"');
    await tui.answer('', 'an answer cannot be empty');
    f = await tui.answer('page the DB owner at the first alert', '✓ What would we do differently?');
    expect(session.state.steps.lessons?.status).toBe('done');
    const done = h.store.entries(session.id).at(-1)!;
    expect(done).toMatchObject({
      type: 'step.done',
      data: { note: 'page the DB owner at the first alert' },
    });
    // The cursor moved on (wrapping around) to the next open step.
    expect(tui.frame()).toContain('›○ Use a minimal base image');
    // Reopened: n answers again, in one go.
    await session.reopen('lessons');
    await tui.pressUntil('G', '›○ What would we do differently?');
    await tui.pressUntil('n', 'Answer "lessons"');
    await tui.answer('and rotate the keys monthly', '✓ What would we do differently?');
  });
});

describe('a program that is not installed', () => {
  it('leaves a command step pending and says install it, or skip it', async () => {
    const h = harness();
    h.shell.run = async () => ({
      timedOut: false,
      cancelled: false,
      startError: 'not found on PATH',
      durationMs: 1,
    });
    const r = await renderApp(
      h,
      { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} },
      { columns: 120, rows: 30 },
    );
    tui = r.tui;
    await tui.waitFor('Confirm the alert');
    await tui.pressUntil('j', '›○ Capture container state');
    const f = await tui.pressUntil(
      KEYS.enter,
      'install docker, then Enter runs it again, or s skips it with a reason',
    );
    expect(f).toContain('○ pending · command step');
    expect(f).not.toContain('✗ Capture container state');
    expect((r.holder.current as Session).state.steps['capture-state']?.status).toBe('pending');
  });
});

describe('stale verdicts', () => {
  async function checked() {
    const docker = fakeDocker();
    const h = harness({ docker, checks: verdictCheckRunner() });
    const r = await renderApp(
      h,
      { kind: 'run', loaded: loaded(hardeningRunbook()), inputs: { container: 'web' } },
      { columns: 140, rows: 30 },
    );
    tui = r.tui;
    const session = r.holder.current as Session;
    await tui.waitFor('Use a minimal base image');
    await tui.pressUntil('j', '›○ Run as a non-root user');
    await tui.pressUntil(KEYS.enter, '✗ FAIL root-user · container web (776562000000)');
    return { h, docker, session };
  }

  it('a target that no longer exists: marked stale in the list and the details, r re-checks', async () => {
    const { docker, session } = await checked();
    expect(tui!.frame()).not.toContain('stale');
    docker.containers = docker.containers.filter((c) => c.name !== 'web');
    // The engine is read again after each run: re-run another step to have it noticed.
    await session.run('limits', { signal: new AbortController().signal });
    const f = await tui!.waitFor('›✗ Run as a non-root user · stale');
    expect(f).toContain('⟳ stale: container web (776562000000) no longer exists — r re-checks');
    // r re-checks it (the engine now has no web: the check runs and is recorded again).
    const before = session.state.steps['non-root']!.results.length;
    tui!.stdin.write('r');
    await tui!.waitFor(() => session.state.steps['non-root']!.results.length === before + 1);
  });

  it('a target recreated under the same name (another id) is stale too', async () => {
    const { docker, session } = await checked();
    docker.containers = docker.containers.map((c) =>
      c.name === 'web' ? { ...c, id: 'abcdef012345'.padEnd(64, '9') } : c,
    );
    await session.run('limits', { signal: new AbortController().signal });
    const f = await tui!.waitFor('stale');
    expect(f).toContain(
      '⟳ stale: container web was recreated: 776562000000 is gone, web is now abcdef012345',
    );
  });
});
