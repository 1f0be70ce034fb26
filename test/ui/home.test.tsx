import { afterEach, describe, expect, it } from 'vitest';
import { harness } from '../fakes/app.js';
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

describe('home screen', () => {
  it('lists runbooks grouped by kind, and the audit entry', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    const f = await tui.waitFor('Hardening checklists');
    const inc = f.indexOf('Incident response');
    expect(inc).toBeGreaterThan(-1);
    expect(f.indexOf('Container compromise')).toBeGreaterThan(inc);
    expect(f.indexOf('Container hardening')).toBeGreaterThan(f.indexOf('Hardening checklists'));
    expect(f).toContain('Audit the engines');
    expect(f).not.toContain('Sessions in progress');
  });

  it('lists sessions to resume (not those locked elsewhere, not signed) and resumes one', async () => {
    const h = harness();
    const a = await h.start();
    await a.markDone('confirm-alert');
    await a.close();
    const b = await h.start();
    await b.close();
    h.store.foreignLocks.add(b.id);
    ({ tui } = await renderApp(h, { kind: 'home' }));
    const f = await tui.waitFor('Sessions in progress');
    // Told apart by runbook, target, progress; the id and last activity on the row below.
    expect(f).toMatch(new RegExp(`› Container compromise · web · 1/6\\s*\\n\\s+${a.id} · last `));
    expect(f).toContain(`${b.id} is open in another warden`);
    await tui.pressUntil(KEYS.enter, '✓ Confirm the alert');
    expect(h.store.entries(a.id).at(-1)?.type).toBe('session.resumed');
    expect(h.store.held.has(a.id)).toBe(true);
    // Esc closes the session (the lock is released) and goes back home.
    await tui.pressUntil(KEYS.escape, 'Incident response');
    expect(h.store.held.has(a.id)).toBe(false);
  });

  it('shows recently signed sessions', async () => {
    const h = harness();
    const s = await h.start();
    for (const id of s.state.order) await s.skip(id, 'n/a');
    await s.signOff('alice', 'ok');
    await s.close();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    const f = await tui.waitFor('Recently signed');
    expect(f).toContain(`✓ Container compromise`);
    expect(f).toContain(s.id);
    expect(f).not.toContain('Sessions in progress');
  });

  it('a locked session shows an error banner instead of crashing', async () => {
    const h = harness();
    const s = await h.start();
    await s.close();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Sessions in progress');
    h.store.foreignLocks.add(s.id); // taken by another process after the list was read
    // Back on home, with the banner over the reloaded lists.
    await tui.pressUntil(
      KEYS.enter,
      (f) =>
        f.includes(`session ${s.id} is open in another warden process`) &&
        f.includes('Incident response'),
    );
  });

  it('a runbook with inputs asks for them (default prefilled) and starts the session', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Incident response');
    await tui.pressUntil(KEYS.enter, 'Container (container, container, required)');
    expect(tui.frame()).toContain('› web');
    await tui.pressUntil(KEYS.enter, 'Confirm the alert');
    const [id] = h.store.journals.keys();
    expect(h.store.entries(id!)[0]?.data.inputs).toEqual({ container: 'web' });
  });

  it('a required input without a default cannot be left empty', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Incident response');
    await tui.pressUntil('j', '› Container hardening');
    await tui.pressUntil(KEYS.enter, 'Host name (host, string, required)');
    await tui.pressUntil(KEYS.enter, 'Host name is required');
    expect(h.store.journals.size).toBe(0);
    await tui.answer('db-01', 'Run as non-root');
    const [id] = h.store.journals.keys();
    expect(h.store.entries(id!)[0]?.data.inputs).toEqual({ host: 'db-01' });
  });

  it('the audit entry opens the audit screen; Esc goes back', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Audit the engines');
    await tui.press('j');
    await tui.pressUntil('j', '› Audit the engines');
    await tui.pressUntil(KEYS.enter, '1 critical, 1 high');
    await tui.pressUntil(KEYS.escape, 'Incident response');
  });
});
