import { afterEach, describe, expect, it } from 'vitest';
import { listRows } from '../../src/ui/components/StepList.js';
import { WARNING_MARK } from '../../src/ui/theme.js';
import { harness, incidentRunbook, loaded } from '../fakes/app.js';
import type { Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

const WARNING =
  "the backup of web is newer than the incident's start (12:00): it may hold the attacker's changes";

describe('a result that passed with warnings', () => {
  it('is not a clean green ✓: the list marks it ⚠ in the warn colour, the details list the warnings', async () => {
    const h = harness();
    h.actions.run = async (id, ctx) => {
      h.actions.ran.push(`${id}:${ctx.params.container}`);
      return { ok: true, summary: 'restored web', data: { warnings: [WARNING] } };
    };
    const r = await renderApp(h, { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} });
    tui = r.tui;
    await tui.waitFor('Confirm the alert');
    const session = r.holder.current!;
    await session.overrideGate('isolate', 'snapshot kept by hand');
    await session.run('isolate', {
      signal: new AbortController().signal,
      typed: 'web',
      overrideReason: 'EDR kept a memory image',
    });
    expect(session.state.steps.isolate?.status).toBe('done');

    const f = await tui.pressUntil('jj', `›${WARNING_MARK} Isolate the container`);
    expect(f).not.toContain('✓ Isolate the container');
    expect(f).toContain('result: ok with warnings — restored web');
    // The details wrap the warning, in the warn colour, after a ⚠.
    expect(f).toMatch(/⚠ the backup of web is newer than the *$/m);
    expect(f).toContain("attacker's changes");

    const rows = (state: typeof session.state) =>
      listRows({
        state,
        visible: state.order,
        blocked: () => false,
        stale: new Set(),
        spinner: '',
      });
    const row = rows(session.state).find((x) => x.kind === 'step' && x.id === 'isolate');
    expect(row).toMatchObject({ mark: WARNING_MARK, markTone: 'warn' });
    // A step without warnings keeps its ✓.
    await session.markDone('confirm-alert');
    const clean = rows(session.state).find((x) => x.kind === 'step' && x.id === 'confirm-alert');
    expect(clean).toMatchObject({ mark: '✓', markTone: 'ok' });
  });
});
