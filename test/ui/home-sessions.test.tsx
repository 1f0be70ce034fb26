/**
 * The home screen: drawn at once from what was read from disk, the engine filled in afterwards;
 * sessions told apart (runbook, targets, progress, last activity), the cursor on the session most
 * recently worked on or just left, "Recently signed" naming the signer, no empty sections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listSessions } from '../../src/cli/commands/sessions.js';
import type { App } from '../../src/cli/compose.js';
import { harness, incidentRunbook, checklistRunbook, loaded } from '../fakes/app.js';
import { fakeDocker } from '../fakes/docker.js';
import { KEYS, height, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

describe('first frame', () => {
  it('draws runbooks and sessions at once; the engine line waits (spinner on a TTY), then fills in', async () => {
    const docker = fakeDocker();
    const release = docker.hold();
    const h = harness({ docker });
    const s = await h.start();
    await s.close();
    const preload = {
      catalog: await h.deps.ports.catalog(),
      sessions: await h.deps.ports.sessions(),
    };
    ({ tui } = await renderApp(h, { kind: 'home', preload }));
    // The very first frame already has them: no "reading…" frame before.
    expect(tui.frames[0]).toContain('Sessions in progress');
    expect(tui.frames[0]).toContain('Container hardening');
    expect(tui.frame()).toContain('reaching the Docker engine…');
    release();
    await tui.waitFor('Docker 27.0.0 at unix:///fake.sock · 3 containers, 2 running');
  });

  it('an unreachable engine is said on that line; runbooks and sessions still work', async () => {
    const docker = fakeDocker();
    docker.down = true;
    const h = harness({ docker });
    ({ tui } = await renderApp(h, { kind: 'home' }));
    const f = await tui.waitFor('! no Docker engine: checks and actions need it; runbooks and');
    await tui.pressUntil(KEYS.enter, 'Container (container, container, required)');
  });
});

describe('sessions told apart', () => {
  it('runbook, target, progress with accepted/failed apart, id and last activity; a target gone from the engine is said', async () => {
    const docker = fakeDocker();
    const h = harness({ docker });
    const s = await h.start(incidentRunbook(), { container: 'web' });
    await s.markDone('confirm-alert');
    await s.fail('write-up', 'owner unreachable');
    await s.close();
    ({ tui } = await renderApp(h, { kind: 'home' }, { columns: 100, rows: 24 }));
    let f = await tui.waitFor('Docker 27.0.0');
    expect(f).toContain('› Container compromise · web · 2/6 (1 failed)');
    expect(f).toMatch(new RegExp(`\\n\\s+${s.id} · last 2025-01-15 03:00 by alice\\n`));
    tui.unmount();
    docker.containers = docker.containers.filter((c) => c.name !== 'web');
    ({ tui } = await renderApp(h, { kind: 'home' }, { columns: 100, rows: 24 }));
    f = await tui.waitFor('no longer on the engine');
    expect(f).toContain(`${s.id} · last 2025-01-15 03:00 by alice · web no longer on the engine`);
  });

  it('the cursor starts on the session most recently worked on, not the newest', async () => {
    const h = harness();
    const older = await h.start(incidentRunbook(), { container: 'web' });
    const newer = await h.start(incidentRunbook(), { container: 'db' });
    await newer.close();
    await older.markDone('confirm-alert'); // worked on after the newer one started
    await older.close();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    const f = await tui.waitFor('Sessions in progress');
    expect(f).toContain('› Container compromise · web · 1/6');
    expect(f.indexOf('· web ·')).toBeLessThan(f.indexOf('· db ·'));
  });

  it('Esc from a session puts the cursor on the session just left', async () => {
    const h = harness();
    const a = await h.start(incidentRunbook(), { container: 'web' });
    await a.close();
    const b = await h.start(incidentRunbook(), { container: 'db' });
    await b.markDone('confirm-alert');
    await b.close();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('› Container compromise · db');
    // Open the older one, look, leave without recording anything: the cursor is back on it,
    // although the other one was worked on more recently.
    await tui.pressUntil('j', '› Container compromise · web');
    await tui.pressUntil(KEYS.enter, 'Confirm the alert');
    await tui.pressUntil(KEYS.escape, 'Sessions in progress');
    await tui.waitFor('› Container compromise · web');
    expect(tui.frame().indexOf('· db ·')).toBeLessThan(tui.frame().indexOf('· web ·'));
    await tui.pressUntil(KEYS.enter, 'Confirm the alert');
    expect(h.store.held.has(a.id)).toBe(true);
  });

  it('"Recently signed" names the signer, not who started it', async () => {
    const h = harness();
    const s = await h.start(checklistRunbook(), { host: 'db-01' });
    await s.skip('no-root', 'n/a');
    await s.signOff('Jane Reviewer', 'ok');
    await s.close();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    const f = await tui.waitFor('Recently signed');
    expect(f).toContain('✓ Container hardening · -');
    expect(f).toMatch(
      new RegExp(`${s.id} · signed by Jane Reviewer at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`),
    );
  });
});

describe('layout', () => {
  it('60×20: no heading drawn without its items; the cut list says how many rows are below', async () => {
    const h = harness();
    for (let i = 0; i < 4; i++) {
      const s = await h.start(incidentRunbook(), { container: `svc-${i}` });
      await s.close();
    }
    const signed = await h.start(checklistRunbook(), { host: 'x' });
    await signed.skip('no-root', 'n/a');
    await signed.signOff('Jane', 'ok');
    await signed.close();
    ({ tui } = await renderApp(h, { kind: 'home' }, { columns: 60, rows: 20 }));
    const f = await tui.waitFor('Sessions in progress');
    expect(height(f)).toBeLessThanOrEqual(19);
    expect(f).toMatch(/↓ \d+ more/);
    const rows = f.split('\n');
    const more = rows.findIndex((l) => l.includes('↓'));
    // The row above "↓ N more" is never a heading alone.
    expect(['Recently signed', 'Engines', 'Hardening checklists']).not.toContain(
      rows[more - 1]?.trim(),
    );
    // Session ids are whole.
    for (const line of rows.filter((l) => l.includes('2025011')))
      expect(line).toMatch(/\d{8}-\d{6}-[0-9a-f]{6} ·/);
    // Moving down reaches "Recently signed" with its item.
    await tui.pressUntil('G', '› Audit the engines');
    const end = tui.frame();
    expect(end).toContain('Recently signed');
    expect(end).toContain('signed by Jane');
  });
});
