import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../fakes/app.js';
import { UNREACHABLE, fakeDocker } from '../fakes/docker.js';
import { KEYS, height, width, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

async function openAudit(
  h: Harness,
  size?: { columns?: number; rows?: number },
  beforeEnter?: () => void,
) {
  ({ tui } = await renderApp(h, { kind: 'home' }, size));
  await tui.waitFor('Audit the engines');
  // The home screen's engine line has read the engine; from here on the calls are the audit's.
  await tui.waitFor(/Docker 27\.0\.0|no Docker engine/);
  h.docker.calls.length = 0;
  beforeEnter?.();
  // One chunk, as tmux sends it: the selection moves twice, then Enter opens the third item.
  await tui.pressUntil(KEYS.down + KEYS.down + KEYS.enter, 'WARDEN Audit');
  return tui;
}

/** Presses j until the selected finding is `check` (bounded). */
async function select(t: Tui, check: string): Promise<string> {
  for (let i = 0; i < 30; i++) {
    if (t.frame().includes(`›  ${check}`)) return t.frame();
    await t.press('j');
  }
  throw new Error(`finding ${check} not reached; frame:\n${t.frame()}`);
}

describe('audit screen', () => {
  it('runs the live audit read-only and shows findings by severity, then target, at 80×24', async () => {
    const h = harness();
    const t = await openAudit(h);
    // db's planted password (23 characters) is also a weak secret (medium); db (postgres) shares
    // backend with web, which is published (medium). The other targets are the daemon (userns
    // off: medium; no authorization plugin: low) and the two networks.
    const f = await t.waitFor('1 critical, 1 high, 12 medium, 10 low · 6 targets');
    expect(height(f)).toBeLessThanOrEqual(24);
    expect(width(f)).toBeLessThanOrEqual(80);
    expect(f).toContain('fakehost · Docker 27.0.0 at unix:///fake.sock');
    const crit = f.indexOf('CRITICAL · 1');
    expect(crit).toBeGreaterThan(-1);
    expect(f.indexOf('HIGH · 1')).toBeGreaterThan(crit);
    expect(f.indexOf('MEDIUM · 12')).toBeGreaterThan(f.indexOf('HIGH · 1'));
    expect(f).toContain(' db [running]');
    // The worst finding is selected, its detail beside it.
    expect(f).toContain('›  privileged');
    expect(f).toContain('found: privileged: true');
    expect(f).toContain('compose:');
    expect(f).toContain('privileged: false');
    expect(f).toContain('docker run:');
    expect(f).toContain('recreate: `docker update` cannot change this');
    expect(f).toMatch(/CIS Docker Benchmark \d/);
    // Read-only: the engine was listed and inspected, nothing else.
    expect(h.docker.calls).toContain('listContainers all=true');
    expect(h.docker.calls.some((c) => c.startsWith('inspect '))).toBe(true);
    expect(
      h.docker.calls.every((c) => /^(info|listContainers|inspect|top|listNetworks)/.test(c)),
    ).toBe(true);
  });

  it('moves through findings; a live-fixable one says docker update; secrets stay masked', async () => {
    const h = harness();
    const t = await openAudit(h);
    await t.waitFor('1 critical');
    let f = await select(t, 'secret-in-env');
    expect(f).not.toContain('s3cr3t-planted-value-42');
    f = await select(t, 'memory-limit');
    expect(f).toContain('live fix, no restart:');
    expect(f).toContain('docker update --memory 512m db');
    expect(height(f)).toBeLessThanOrEqual(24);
    // The list follows the selection down; k goes back up.
    await t.pressUntil('k', /› {2}(?!memory-limit)/);
  });

  it('shows a progress line while the audit runs, and r runs it again', async () => {
    const docker = fakeDocker();
    let release = () => {};
    const h = harness({ docker });
    const t = await openAudit(h, undefined, () => (release = docker.hold()));
    await t.waitFor('Auditing every container on this engine (read-only)…');
    release();
    await t.waitFor('1 critical, 1 high');
    const lists = () => h.docker.calls.filter((c) => c.startsWith('listContainers')).length;
    expect(lists()).toBe(1);
    // The privileged db is fixed; the re-run shows it.
    h.docker.containers = h.docker.containers.filter((c) => c.name !== 'db');
    await t.pressUntil('r', '0 critical, 0 high');
    expect(lists()).toBe(2);
    // The containers left, the daemon, and the two networks.
    expect(t.frame()).toContain('5 targets');
  });

  it('an unreachable engine is a banner, not a crash; r retries; Esc goes back', async () => {
    const docker = fakeDocker();
    docker.down = true;
    const h = harness({ docker });
    const t = await openAudit(h);
    const f = await t.waitFor('✗ the Docker engine is not reachable');
    expect(f.replace(/\n/g, ' ')).toContain(UNREACHABLE.slice(0, 60));
    expect(f).toContain('The audit did not run.');
    expect(height(f)).toBeLessThanOrEqual(24);
    docker.down = false;
    await t.pressUntil('r', '1 critical, 1 high');
    expect(t.frame()).not.toContain('not reachable');
    await t.pressUntil(KEYS.escape, 'Incident response');
  });

  it('an engine without containers says so', async () => {
    const h = harness({ docker: fakeDocker([]) });
    const t = await openAudit(h);
    // The daemon is audited all the same: its findings, and the summary says there is no container.
    const f = await t.waitFor('1 target · no containers');
    expect(f).toContain('0 critical, 0 high, 1 medium, 1 low');
    expect(f).toContain('engine fakehost');
    expect(f).toContain('daemon-userns-remap');
    // Its fix is the daemon's own setting, not a compose key or a container recreate.
    expect(f).toContain('/etc/docker/daemon.json:');
    expect(f).toContain('"userns-remap": "default"');
    expect(f).toContain('dockerd --userns-remap=default');
    expect(f).not.toContain('compose:');
  });

  it('60 columns: stacked, within 60×24', async () => {
    const h = harness();
    const t = await openAudit(h, { columns: 60, rows: 24 });
    const f = await t.waitFor('1 critical');
    expect(height(f)).toBeLessThanOrEqual(24);
    expect(width(f)).toBeLessThanOrEqual(60);
    expect(f).toContain('─'.repeat(60));
    expect(f.indexOf('found: privileged: true')).toBeGreaterThan(f.indexOf('›  privileged'));
  });
});
