import { afterEach, describe, expect, it } from 'vitest';
import type { Runbook } from '../../src/runbook/types.js';
import { harness, incidentRunbook, loaded, step } from '../fakes/app.js';
import { KEYS, height, width, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

const LONG = Array.from(
  { length: 40 },
  (_, i) =>
    `Paragraph ${i + 1}: check the container's network namespace, mounts and running processes before you touch anything.`,
).join('\n');

function bigRunbook(): Runbook {
  const rb = incidentRunbook();
  rb.phases[0]!.steps[0] = step({
    id: 'confirm-alert',
    title: 'Confirm the alert with a deliberately long title that must be truncated',
    guidance: LONG,
  });
  rb.phases.push({
    id: 'recover',
    title: 'Recover',
    steps: Array.from({ length: 15 }, (_, i) => step({ id: `r${i}`, title: `Recovery step ${i}` })),
  });
  return rb;
}

async function open(size: { columns: number; rows: number }) {
  const h = harness();
  const r = await renderApp(h, { kind: 'run', loaded: loaded(bigRunbook()), inputs: {} }, size);
  tui = r.tui;
  await r.tui.waitFor('Paragraph 1:');
  return r.tui;
}

describe('layout', () => {
  it('80×24: list and details side by side, within 24 rows and 80 columns', async () => {
    const t = await open({ columns: 80, rows: 24 });
    const f = t.frame();
    expect(height(f)).toBeLessThanOrEqual(23);
    expect(width(f)).toBeLessThanOrEqual(80);
    // Side by side: a list row and the details share a line; the long title wraps, whole.
    const rows = f.split('\n');
    const at = rows.findIndex((l) => l.startsWith('›○ Confirm the alert with a'));
    expect(rows[at]!.slice(36).trim()).not.toBe('');
    expect(rows.slice(at, at + 3).join(' ')).toMatch(
      /deliberately long title\s.*must\s.*be truncated/,
    );
    expect(f).toContain('more (PgDn/J)');
  });

  it('PgDn/J scroll the guidance; moving resets the scroll', async () => {
    const t = await open({ columns: 80, rows: 24 });
    await t.press('J');
    expect(t.frame()).not.toContain('Paragraph 1:');
    expect(t.frame()).toContain('── 19–');
    await t.pressUntil(KEYS.pageDown, '── 37–');
    await t.pressUntil('K', '── 19–');
    await t.press('j');
    await t.pressUntil('k', 'Paragraph 1:');
  });

  it('60 columns: stacked, nothing wider than 60 or taller than 24, also with a prompt open', async () => {
    const t = await open({ columns: 60, rows: 24 });
    let f = t.frame();
    expect(height(f)).toBeLessThanOrEqual(23);
    expect(width(f)).toBeLessThanOrEqual(60);
    expect(f).toContain('─'.repeat(60));
    const listAt = f.indexOf('○ Capture container state');
    const guidanceAt = f.indexOf('Paragraph 1:');
    expect(listAt).toBeGreaterThan(-1);
    expect(guidanceAt).toBeGreaterThan(listAt);
    f = await t.pressUntil('s', 'why?');
    expect(height(f)).toBeLessThanOrEqual(23);
    expect(width(f)).toBeLessThanOrEqual(60);
  });

  it('follows the selection down a long list at 80×24', async () => {
    const t = await open({ columns: 80, rows: 24 });
    for (let i = 0; i < 20; i++) await t.press('j');
    const f = t.frame();
    expect(f).toContain('›○ Recovery step 14');
    expect(height(f)).toBeLessThanOrEqual(23);
  });

  it('re-lays out on resize', async () => {
    const t = await open({ columns: 100, rows: 30 });
    expect(t.frame()).not.toContain('─'.repeat(60));
    await t.resize(60, 24);
    await t.waitFor('─'.repeat(60));
    expect(height(t.frame())).toBeLessThanOrEqual(23);
  });
});
