/**
 * The TUI's Audit with Docker contexts: the engines are asked first (this one selected), Space
 * adds another, Enter audits them side by side; findings are labelled with their engine, one
 * that does not answer is named in the header, `e` asks again. Without contexts the audit runs
 * at once (nothing to choose).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { harness } from '../fakes/app.js';
import { fakeDocker } from '../fakes/docker.js';
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

async function openAudit(h: ReturnType<typeof harness>) {
  ({ tui } = await renderApp(h, { kind: 'home' }, { columns: 100, rows: 30 }));
  await tui.waitFor('Audit the engines');
  await tui.waitFor(/Docker 27\.0\.0|no Docker engine/);
  return tui.pressUntil(KEYS.down + KEYS.down + KEYS.enter, 'WARDEN Audit');
}

describe('Audit across engines', () => {
  it('asks which engines, audits the chosen ones side by side, labels each finding with its engine', async () => {
    const db1 = fakeDocker([
      { name: 'pg', image: 'postgres:16', state: 'running', privileged: true },
    ]);
    const h = harness({ contexts: { db1, lab: fakeDocker() } });
    const f = await openAudit(h);
    expect(f).toContain('Engines to audit (1 of 3 selected; read-only)');
    expect(f).toMatch(/› \[x\] default +unix:\/\/\/fake\.sock +\(this engine\)/);
    expect(f).toMatch(/ {2}\[ \] db1 +ssh:\/\/ops@db1/);
    // Nothing is read before the engines are chosen.
    expect(db1.calls).toEqual([]);
    await tui!.pressUntil('j', '› [ ] db1');
    await tui!.pressUntil(' ', '› [x] db1');
    const report = await tui!.pressUntil(KEYS.enter, /2 engines: default, db1/);
    expect(db1.calls.length).toBeGreaterThan(0);
    expect(report).not.toContain('Engines to audit');
    // The privileged container of db1 is found there, grouped under its engine's name.
    expect(report).toMatch(/^ db1: pg \[running\]/m);
    expect(report).toMatch(/^ default: db \[running\]/m);
    // e asks again; a all, then Enter: three engines.
    await tui!.pressUntil('e', 'Engines to audit (2 of 3 selected');
    await tui!.pressUntil('a', 'Engines to audit (3 of 3 selected');
    await tui!.pressUntil(KEYS.enter, /3 engines: default, db1, lab/);
  });

  it('an engine that does not answer is named in the header; the others are audited', async () => {
    const gone = fakeDocker();
    gone.down = true;
    const h = harness({ contexts: { gone } });
    await openAudit(h);
    await tui!.pressUntil('a', '(2 of 2 selected');
    const f = await tui!.pressUntil(KEYS.enter, /2 engines: default, gone \(not reached: gone\)/);
    expect(f).toMatch(/^ default: db \[running\]/m);
    expect(f).not.toMatch(/^ gone: /m);
  });

  it('without contexts the audit of this engine starts at once; e says how to add one', async () => {
    const h = harness();
    await openAudit(h);
    await tui!.waitFor('fakehost · Docker 27.0.0');
    await tui!.pressUntil(
      'e',
      'only this engine: `docker context create NAME --docker host=…` adds others',
    );
  });
});
