import { afterEach, describe, expect, it } from 'vitest';
import type { Runbook } from '../../src/runbook/types.js';
import { harness, incidentRunbook, step, type Harness } from '../fakes/app.js';
import { UNREACHABLE, fakeDocker, type FakeContainer } from '../fakes/docker.js';
import { KEYS, height, width, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

function optionalRunbook(): Runbook {
  return {
    id: 'container-hardening',
    title: 'Container hardening',
    kind: 'checklist',
    description: 'Harden containers.',
    inputs: [
      {
        id: 'container',
        title: 'Container',
        type: 'container',
        required: false,
        description: 'leave empty to audit every container',
      },
    ],
    phases: [
      { id: 'p', title: 'Users', steps: [step({ id: 'no-root', title: 'Run as non-root' })] },
    ],
  };
}

/** Home, then Enter on the (only) runbook: its inputs form. */
async function open(h: Harness) {
  ({ tui } = await renderApp(h, { kind: 'home' }));
  await tui.waitFor('› ');
  // The home screen's engine line has read the engine; from here on the calls are the picker's.
  await tui.waitFor(/Docker 27\.0\.0|no Docker engine/);
  h.docker.calls.length = 0;
  await tui.pressUntil(KEYS.enter, 'inputs 1/1');
  return tui;
}

function withDocker(docker = fakeDocker(), runbook = incidentRunbook()): Harness {
  return harness({ docker, runbooks: [runbook] });
}

function startedInputs(h: Harness): unknown {
  const [id] = h.store.journals.keys();
  return h.store.entries(id!)[0]?.data.inputs;
}

describe('container picker', () => {
  it('lists the engine’s containers with image, state, networks and ports; the default is selected', async () => {
    const h = withDocker();
    const t = await open(h);
    const f = await t.waitFor('3 container(s) on this engine');
    expect(height(f)).toBeLessThanOrEqual(24);
    expect(width(f)).toBeLessThanOrEqual(80);
    expect(f).toMatch(/› web +nginx:1\.27 +running +frontend,backend 0\.0\.0\.0:8080->80\/tcp/);
    expect(f).toMatch(/ {2}db +postgres:16 +running +backend/);
    expect(f).toMatch(/ {2}worker +busybox:1 +exited/);
    expect(f).toContain('/ filter');
    expect(h.docker.calls).toEqual(['listContainers all=true']);
    await t.pressUntil(KEYS.enter, 'Confirm the alert');
    expect(startedInputs(h)).toEqual({ container: 'web' });
  });

  it('r lists the engine again: a container started meanwhile appears', async () => {
    const h = withDocker();
    const t = await open(h);
    await t.waitFor('3 container(s) on this engine');
    h.docker.containers = [
      ...h.docker.containers,
      { ...h.docker.containers[0]!, name: 'late-arrival' },
    ];
    const f = await t.pressUntil('r', '4 container(s) on this engine');
    expect(f).toMatch(/late-arrival/);
    expect(h.docker.calls).toEqual(['listContainers all=true', 'listContainers all=true']);
  });

  it('↓ then Enter in one chunk picks the next container', async () => {
    const h = withDocker();
    const t = await open(h);
    await t.waitFor('› web');
    await t.pressUntil(KEYS.down + KEYS.enter, 'Confirm the alert');
    expect(startedInputs(h)).toEqual({ container: 'worker' });
  });

  it('/ filters by name or image; Esc clears the filter; Enter picks from the filtered list', async () => {
    const h = withDocker();
    const t = await open(h);
    await t.waitFor('› web');
    await t.pressUntil('/', 'name or image');
    expect(t.frame()).toContain('↓ move');
    t.stdin.write('post');
    let f = await t.waitFor((x) => !x.includes('nginx'));
    expect(f).toContain('› db');
    await t.pressUntil(KEYS.escape, 'nginx');
    await t.pressUntil('/', 'name or image');
    t.stdin.write('busy');
    f = await t.waitFor((x) => !x.includes('postgres'));
    expect(f).toContain('› worker');
    await t.pressUntil(KEYS.enter, 'Confirm the alert');
    expect(startedInputs(h)).toEqual({ container: 'worker' });
  });

  it('/ and the name typed after it in one read filter the containers', async () => {
    const h = withDocker();
    const t = await open(h);
    await t.waitFor('› web');
    const f = await t.pressUntil('/busy', (x) => !x.includes('postgres'));
    expect(f).toContain('› worker');
  });

  it('Tab types a name by hand; Tab again goes back to the list', async () => {
    const h = withDocker();
    const t = await open(h);
    await t.waitFor('› web');
    await t.pressUntil('\t', 'Tab list');
    await t.pressUntil('\t', 'Tab type a name');
    await t.pressUntil('\t', 'Tab list');
    for (const left of [/› we$/m, /› w$/m, /›\s*$/m]) await t.pressUntil(KEYS.backspace, left);
    await t.answer('api-7', 'Confirm the alert');
    expect(startedInputs(h)).toEqual({ container: 'api-7' });
  });

  it('a default that names no container opens typing, with a hint', async () => {
    const h = withDocker(fakeDocker([{ name: 'db', image: 'postgres:16' }]));
    const t = await open(h);
    const f = await t.waitFor('"web" is not a container on this engine — Tab lists them');
    expect(f).toContain('› web');
    await t.pressUntil('\t', '1 container(s) on this engine');
  });

  it('an unreachable engine falls back to typing, with a banner saying so', async () => {
    const docker = fakeDocker();
    docker.down = true;
    const h = withDocker(docker);
    const t = await open(h);
    const f = await t.waitFor('cannot list containers');
    expect(f.replace(/\n/g, ' ')).toContain(UNREACHABLE.slice(0, 40));
    expect(f).toContain('type the name');
    expect(height(f)).toBeLessThanOrEqual(24);
    await t.answer('', 'Confirm the alert');
    expect(startedInputs(h)).toEqual({ container: 'web' });
  });

  it('an optional input can be left empty', async () => {
    const h = withDocker(fakeDocker(), optionalRunbook());
    const t = await open(h);
    const f = await t.waitFor('(leave empty: audit every container)');
    expect(f).toContain('› (leave empty');
    await t.pressUntil(KEYS.enter, 'Run as non-root');
    expect(startedInputs(h)).toEqual({});
  });

  it('Esc cancels back home', async () => {
    const h = harness(); // both runbooks
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Incident response');
    await tui.pressUntil(KEYS.enter, '› web');
    await tui.pressUntil(KEYS.escape, 'Hardening checklists');
    expect(h.store.journals.size).toBe(0);
  });

  it('a long list scrolls within 80×24 and follows the selection', async () => {
    const many: FakeContainer[] = Array.from({ length: 40 }, (_, i) => ({
      name: `svc-${String(i).padStart(2, '0')}`,
      image: 'busybox:1',
    }));
    const h = withDocker(fakeDocker(many));
    const t = await open(h);
    await t.waitFor('"web" is not a container');
    // The picker says how many rows are below and above what fits.
    const first = await t.pressUntil('\t', '› svc-00');
    expect(first).toMatch(/↓ \d+ more \(40 in all\)/);
    await t.pressUntil('j'.repeat(30), '› svc-30');
    const f = t.frame();
    expect(height(f)).toBeLessThanOrEqual(24);
    expect(f).not.toContain('svc-00');
    expect(f).toMatch(/↓ \d+ more · ↑ \d+ above \(40 in all\)/);
    await t.pressUntil(KEYS.enter, 'Confirm the alert');
    expect(startedInputs(h)).toEqual({ container: 'svc-30' });
  });

  it.each([80, 60])(
    'names come whole at %i columns (image, networks and ports are cut first)',
    async (columns) => {
      const long: FakeContainer[] = [
        {
          name: 'wt-ir-bystander-4c519a3b2e',
          image: 'registry.example.com/team/nginx:1.27-alpine',
          networks: ['wt-ir-frontend-4c519a3b2e', 'wt-ir-backend-4c519a3b2e'],
          ports: ['8080:80'],
        },
        {
          name: 'wt-ir-victim-4c519a3b2e7f',
          image: 'registry.example.com/team/app:2.3.1',
          networks: ['wt-ir-backend-4c519a3b2e'],
        },
      ];
      const h = withDocker(fakeDocker(long));
      ({ tui } = await renderApp(h, { kind: 'home' }, { columns, rows: 24 }));
      await tui.waitFor('› ');
      await tui.pressUntil(KEYS.enter, 'inputs 1/1');
      await tui.waitFor('"web" is not a container');
      const f = await tui.pressUntil('\t', '› wt-ir-bystander');
      expect(f).toMatch(/› wt-ir-bystander-4c519a3b2e +\S/);
      expect(f).toMatch(/ {2}wt-ir-victim-4c519a3b2e7f +\S/);
      expect(f).toMatch(/ {2}NAME {23}IMAGE/);
      expect(width(f)).toBeLessThanOrEqual(columns);
      expect(height(f)).toBeLessThanOrEqual(24);
      if (columns === 80) expect(f).toMatch(/registry\.example\.com\/team\/ngi.*running/);
      else expect(f).toMatch(/registry\.e… running/);
    },
  );
});
