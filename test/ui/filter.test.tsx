/** `/` filters the step list, the home screen's runbooks and sessions, and the audit findings. */
import { afterEach, describe, expect, it } from 'vitest';
import { harness, hardeningRunbook, loaded, verdictCheckRunner } from '../fakes/app.js';
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

describe('/ on the step list', () => {
  it('shows the matching steps only (headings of empty phases gone); Enter keeps it, Esc clears it', async () => {
    const h = harness({ checks: verdictCheckRunner() });
    ({ tui } = await renderApp(h, {
      kind: 'run',
      loaded: loaded(hardeningRunbook()),
      inputs: { container: 'web' },
    }));
    await tui.waitFor('›○ Use a minimal base image');
    await tui.pressUntil('/', '/ filter');
    let f = await tui.pressUntil('host', '1 of 5');
    expect(f).toContain('›○ Do not share host namespaces');
    expect(f).not.toContain('Use a minimal base image');
    expect(f).not.toContain('Image 0/2\n');
    expect(f).toMatch(/↑↓ move {2}Enter keep filter {2}Esc clear filter/);
    // Letters go to the filter, not to the step keys.
    expect(h.store.entries([...h.store.journals.keys()][0]!)).toHaveLength(1);
    f = await tui.pressUntil(KEYS.enter, '/host · 1 of 5 · Esc clears');
    // The step keys work on the filtered list.
    await tui.pressUntil(KEYS.enter, '✗ FAIL host-pid · container web');
    f = await tui.pressUntil(KEYS.escape, '○ Use a minimal base image');
    expect(f).not.toContain('Esc clears');
    expect(f).toContain('›✗ Do not share host namespaces');
  });

  it('matches ids too, case-insensitively; nothing matching is said so', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'run', loaded: loaded(hardeningRunbook()), inputs: {} }));
    await tui.waitFor('Use a minimal base image');
    await tui.pressUntil('/', '/ filter');
    await tui.pressUntil('LIMITS', '›○ Set memory limits');
    await tui.pressUntil('zz', '0 of 5');
  });
});

describe('/ on the home screen', () => {
  it('filters runbooks and sessions; Esc clears', async () => {
    const h = harness();
    const s = await h.start();
    await s.close();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Sessions in progress');
    await tui.pressUntil('/', 'Esc clear filter');
    let f = await tui.pressUntil('harden', '2 of 4');
    expect(f).toContain('› Container hardening');
    expect(f).not.toContain('Sessions in progress');
    expect(f).not.toContain('Incident response');
    f = await tui.pressUntil(KEYS.escape, 'Sessions in progress');
    expect(f).toContain('Audit the engines');
  });
});

describe('/ on the audit findings', () => {
  it('narrows the findings by check, target or title', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Audit the engines');
    await tui.pressUntil(KEYS.down + KEYS.down + KEYS.enter, 'WARDEN Audit');
    await tui.waitFor('1 critical, 1 high');
    await tui.pressUntil('/', '/ filter');
    let f = await tui.pressUntil('in-env', /1 of \d+/);
    expect(f).toContain('›  secret-in-env');
    expect(f).not.toContain('privileged —');
    expect(f).not.toContain('weak-secret');
    f = await tui.pressUntil(KEYS.enter, /\/in-env · 1 of \d+ · Esc clears/);
    f = await tui.pressUntil(KEYS.escape, 'privileged');
    expect(f).not.toContain('Esc clears');
  });

  it('takes `/` and the text after it in one read (typed fast, or over a slow link)', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Audit the engines');
    await tui.pressUntil(KEYS.down + KEYS.down + KEYS.enter, 'WARDEN Audit');
    await tui.waitFor('1 critical, 1 high');
    // `e` and `i` mean something on the findings list: here they are the filter's letters.
    const f = await tui.pressUntil('/in-env', /1 of \d+/);
    expect(f).toContain('/ in-env');
    expect(f).toContain('›  secret-in-env');
    expect(f).not.toContain('privileged —');
    // The last letter and Enter in one read: both apply, whichever handler hears them first.
    await tui.pressUntil(KEYS.escape, 'privileged');
    // Typed before the field is on screen (Esc's commit still under way): kept for the field.
    tui.stdin.write('/weak-secre');
    tui.stdin.write('t' + KEYS.enter);
    // The line is cut to the list's width at 80 columns.
    await tui.waitFor(/\/weak-secret · 1 of \d+ · Esc/);
  });
});

describe('/ and its text in one read', () => {
  it('on the home screen, with Enter: the filter is kept', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Audit the engines');
    const f = await tui.pressUntil('/harden' + KEYS.enter, '/harden · 2 of ');
    expect(f).toContain('› Container hardening');
    expect(f).not.toContain('Incident response');
  });

  it('on the step list: the letters never act as step keys', async () => {
    const h = harness({ checks: verdictCheckRunner() });
    ({ tui } = await renderApp(h, {
      kind: 'run',
      loaded: loaded(hardeningRunbook()),
      inputs: { container: 'web' },
    }));
    await tui.waitFor('›○ Use a minimal base image');
    // `d` (done), `s` (skip) and `n` (note) are step keys outside the filter.
    await tui.pressUntil('/host', '1 of 5');
    expect(tui.frame()).toContain('›○ Do not share host namespaces');
    expect(h.store.entries([...h.store.journals.keys()][0]!)).toHaveLength(1);
  });
});
