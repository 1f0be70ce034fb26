import { afterEach, describe, expect, it } from 'vitest';
import { KEYMAP, bindingsFor, inFooter } from '../../src/ui/keymap.js';
import { footerText } from '../../src/ui/components/Footer.js';
import { helpLines } from '../../src/ui/screens/HelpScreen.js';
import { harness, incidentRunbook, loaded } from '../fakes/app.js';
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

describe('help and footer come from the keymap', () => {
  it('? opens help listing every keymap entry (scrolling through it), Esc closes it', async () => {
    const h = harness();
    ({ tui } = await renderApp(
      h,
      { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} },
      { columns: 100, rows: 60 },
    ));
    await tui.waitFor('Confirm the alert');
    let f = await tui.pressUntil('?', 'Keys');
    const seen = [f];
    while (f.includes('more (PgDn/J)')) {
      f = await tui.press('J');
      seen.push(f);
    }
    const all = seen.join('\n');
    for (const b of KEYMAP) {
      expect(all).toContain(b.keys);
      expect(all).toContain(b.description.slice(0, 40));
    }
    await tui.pressUntil(KEYS.escape, 'Check the dashboard');
  });

  it('help scrolls at 80×24', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Incident response');
    await tui.pressUntil('?', 'Keys');
    expect(tui.frame().split('\n').length).toBeLessThanOrEqual(24);
    expect(tui.frame()).toContain('more (PgDn/J)');
    const seen = new Set(tui.frame().split('\n'));
    while (tui.frame().includes('more (PgDn/J)')) {
      await tui.press('J');
      for (const l of tui.frame().split('\n')) seen.add(l);
    }
    const all = [...seen].join('\n');
    for (const line of helpLines(80)) expect(all).toContain(line.text);
  });

  it('the footer shows the footer bindings of the context', () => {
    const text = footerText(['session']);
    for (const b of bindingsFor('session').filter(
      (x) => inFooter(x, 'session') && x.action !== 'down',
    )) {
      expect(text).toContain(b.label);
    }
    expect(text).toContain('↑↓ move');
  });
});
