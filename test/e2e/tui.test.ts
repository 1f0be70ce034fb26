/**
 * The real bin/warden.js in a pseudo-terminal (tmux, 80×24): a bundled checklist driven to
 * sign-off, then verify / tamper / report; and a SIGKILL mid-session followed by resume.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { warden } from '../helpers/cli.js';
import { tempHome } from '../helpers/session.js';
import { Tmux, tmuxAvailable } from '../helpers/tmux.js';

interface RbStep {
  id: string;
  title: string;
  type: string;
}
const runbookPath = join(import.meta.dirname, '..', '..', 'runbooks', 'backup-and-recovery.yaml');
const steps: RbStep[] = (
  parse(readFileSync(runbookPath, 'utf8')) as { phases: { steps: RbStep[] }[] }
).phases.flatMap((p) => p.steps);
const TOTAL = steps.length;

let term: Tmux | undefined;
afterEach(() => term?.kill());

const progress = (n: number) => new RegExp(`Backup and recovery · ${n}/${TOTAL} `);
const selectedLine = (screen: string) => screen.split('\n').find((l) => l.startsWith('›')) ?? '';

/** Moves the selection to the step with this title (list order = runbook order). */
async function select(t: Tmux, title: string): Promise<void> {
  const target = steps.findIndex((s) => s.title === title);
  for (let i = 0; i < 2 * TOTAL; i++) {
    const line = selectedLine(t.screen());
    const current = steps.findIndex((s) => line.includes(s.title.slice(0, 20)));
    if (current === target) return;
    t.keys(current < target ? 'j' : 'k');
    await t.waitFor((s) => selectedLine(s) !== line);
  }
  throw new Error(`could not select ${title}`);
}

async function answer(t: Tmux, key: string, prompt: RegExp, text: string): Promise<void> {
  t.keys(key);
  await t.waitFor(prompt);
  t.type(text);
  await t.waitFor(text.slice(-10));
  t.keys('Enter');
  await t.waitFor((s) => !prompt.test(s));
}

function sessionIdFrom(screen: string): string {
  const m = /session (\d{8}-\d{6}-[0-9a-f]+)/.exec(screen);
  if (!m) throw new Error(`no session id on screen:\n${screen}`);
  return m[1] as string;
}

describe.skipIf(!tmuxAvailable)('TUI end to end in tmux (80×24)', () => {
  it('walks a bundled checklist to sign-off; verify passes, a tampered line fails, the report has everything', async () => {
    const home = tempHome();
    const t = (term = new Tmux({ WARDEN_HOME: home, NO_COLOR: '1' }));
    t.start(['run', 'backup-and-recovery']);
    const first = await t.waitFor(progress(0));
    const id = sessionIdFrom(first);
    for (const line of first.split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    let resolved = 0;
    for (const [i, step] of steps.entries()) {
      await select(t, step.title);
      if (i === 0) await answer(t, 'n', /Note on/, 'inventory in CMDB ticket OPS-42');
      if (i === 4) {
        await answer(t, 's', /why\?/, 'covered by the vault team');
      } else if (i === 5) {
        await answer(t, 'f', /what happened\?/, 'backup user still has admin rights');
      } else if (step.type === 'check') {
        // A check step marked done by hand is an accepted risk: it asks why.
        await answer(
          t,
          'd',
          /as done although it did not pass: reason\?/,
          `restic covers ${step.id}`,
        );
      } else {
        t.keys('d');
      }
      resolved++;
      await t.waitFor(progress(resolved));
      // The cursor moves on to the next open step by itself.
      const next = steps[i + 1];
      if (next) await t.waitFor((s) => selectedLine(s).includes(next.title.slice(0, 20)));
    }

    await t.waitFor(/sign off/i);
    t.keys('S');
    await t.waitFor(
      /Sign off a record with 1 failed \(offsite-copy\) and 3 accepted risks: your name/,
    );
    t.keys('C-u'); // clears the prefilled OS user (readline convention)
    t.type('Jane Reviewer');
    await t.waitFor('Jane Reviewer');
    t.keys('Enter');
    await t.waitFor(/statement/);
    t.type('Backups reviewed for Q4');
    await t.waitFor('for Q4');
    t.keys('Enter');
    const signed = await t.waitFor(/[0-9a-f]{64}/);
    const head = /([0-9a-f]{64})/.exec(signed)![1]!;
    t.keys('q');
    await t.waitFor('[exit 0]');

    const v = await warden(home, ['verify', id]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`head ${head}`);

    const report = await warden(home, ['report', id]);
    expect(report.code).toBe(0);
    for (const s of steps) expect(report.stdout).toContain(s.title);
    for (const text of [
      'inventory in CMDB ticket OPS-42',
      'covered by the vault team',
      'backup user still has admin rights',
      'restic covers restore-test',
      'Backups reviewed for Q4',
      head,
    ]) {
      expect(report.stdout).toContain(text);
    }
    // Exact: the prefilled name was cleared by Ctrl-U, not prepended ("rootuJane Reviewer").
    expect(report.stdout).toContain('Signed by **Jane Reviewer**');

    const journal = join(home, 'sessions', id, 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n');
    const n = lines.findIndex((l) => l.includes('covered by the vault team'));
    lines[n] = lines[n]!.replace('covered by the vault team', 'covered by nobody');
    writeFileSync(journal, lines.join('\n'));
    const bad = await warden(home, ['verify', id]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`line ${n + 1} (seq ${n + 1}): hash does not match its content`);
  });

  it('survives SIGKILL mid-session: resume finds every recorded step and note', async () => {
    const home = tempHome();
    const t = (term = new Tmux({ WARDEN_HOME: home, NO_COLOR: '1' }));
    t.start(['run', 'backup-and-recovery']);
    const id = sessionIdFrom(await t.waitFor(progress(0)));
    const on = (n: number) => (s: string) => selectedLine(s).includes(steps[n]!.title.slice(0, 20));
    await select(t, steps[0]!.title);
    t.keys('d');
    await t.waitFor(progress(1));
    await t.waitFor(on(1));
    await answer(t, 'n', /Note on/, 'snapshot id snap-0815');
    t.keys('d');
    await t.waitFor(progress(2));
    await t.waitFor(on(2));
    await answer(t, 's', /why\?/, 'no secrets on this host');
    await t.waitFor(progress(3));

    process.kill(t.pid(), 'SIGKILL');
    await t.waitFor('[exit 137]');
    t.kill();

    const r = (term = new Tmux({ WARDEN_HOME: home, NO_COLOR: '1' }));
    r.start(['resume', id.slice(-6)]);
    const screen = await r.waitFor(progress(3));
    expect(screen).toContain(id);
    await select(r, steps[1]!.title);
    await r.waitFor('snap-0815');
    r.keys('q');
    await r.waitFor('[exit 0]');

    const rep = JSON.parse((await warden(home, ['report', id, '--format', 'json'])).stdout);
    const byId = Object.fromEntries(
      rep.phases
        .flatMap((p: { steps: { id: string }[] }) => p.steps)
        .map((s: { id: string }) => [s.id, s]),
    );
    expect(byId[steps[0]!.id].status).toBe('done');
    expect(byId[steps[1]!.id]).toMatchObject({
      status: 'done',
      notes: [expect.objectContaining({ text: 'snapshot id snap-0815' })],
    });
    expect(byId[steps[2]!.id]).toMatchObject({
      status: 'skipped',
      reason: 'no secrets on this host',
    });
    expect(rep.timeline.map((e: { type: string }) => e.type)).toContain('session.resumed');
    expect((await warden(home, ['verify', id])).code).toBe(0);
  });
});
