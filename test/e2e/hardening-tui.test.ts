/**
 * The bundled container-hardening checklist through the real bin/warden.js in tmux (80×24)
 * against a real, deliberately weak container (host pid namespace, the Docker socket mounted):
 * R runs every check step, `/` finds the socket step, its critical finding is accepted with a
 * reason, `]` and the cursor's own advance walk the open steps; the sign-off review names the
 * accepted finding, and the report counts it apart. Needs `npm run build`, a Docker engine, tmux.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { warden } from '../helpers/cli.js';
import {
  TEST_IMAGE,
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  testName,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import { Tmux, tmuxAvailable } from '../helpers/tmux.js';

const runbookPath = join(import.meta.dirname, '..', '..', 'runbooks', 'container-hardening.yaml');
const rb = parse(readFileSync(runbookPath, 'utf8')) as {
  phases: { steps: { id: string; title: string; type?: string }[] }[];
};
const STEPS = rb.phases.flatMap((p) => p.steps);
const TOTAL = STEPS.length;
const CHECKS = STEPS.filter((s) => s.type === 'check').length;
const SOCKET = STEPS.find((s) => s.id === 'no-docker-socket')!;
const REASON = 'read-only socket for the metrics sidecar, ticket SEC-77';

const runId = `tui-hard-${randomBytes(3).toString('hex')}`;
const progress = (n: number) => new RegExp(`Container hardening · ${n}/${TOTAL} `);
const selectedLine = (screen: string) => screen.split('\n').find((l) => l.startsWith('›')) ?? '';

let term: Tmux | undefined;

describe.skipIf(!tmuxAvailable || !dockerAvailable)(
  `container hardening in the TUI against a real container (skipped without tmux, or ${noDockerReason})`,
  () => {
    let name = '';
    beforeAll(() => {
      ensureTestImage();
      name = testName('hard');
      dockerCli([
        'run',
        '-d',
        '--name',
        name,
        ...labelArgs(runId),
        '--pid',
        'host',
        '-v',
        '/var/run/docker.sock:/var/run/docker.sock:ro',
        TEST_IMAGE,
        'sleep',
        '3600',
      ]);
    });
    afterAll(() => {
      term?.kill();
      cleanupLabelled(runId);
    });

    it('R, / and ] through the checklist; the accepted critical finding is named at sign-off and in the report', async () => {
      const home = tempHome();
      const t = (term = new Tmux({ WARDEN_HOME: home, NO_COLOR: '1' }));
      t.start(['run', 'container-hardening', '--input', `container=${name}`]);
      const first = await t.waitFor(progress(0));
      const id = /session (\d{8}-\d{6}-[0-9a-f]+)/.exec(first)?.[1] ?? '';
      expect(id).not.toBe('');

      // R: every check step, one after another, each recorded.
      t.keys('R');
      const ran = await t.waitFor(/(\d+) check step\(s\) run: (\d+) passed, (\d+) failed/, 60_000);
      const [, all, passed, failed] = /(\d+) check step\(s\) run: (\d+) passed, (\d+) failed/
        .exec(ran)!
        .map(Number);
      expect(all).toBe(CHECKS);
      expect(failed).toBeGreaterThanOrEqual(2);
      let resolved = passed! + failed!;
      await t.waitFor(progress(resolved));

      // `/` finds the socket step; its critical finding is accepted with a reason.
      t.keys('/');
      await t.waitFor('/ filter');
      t.type('socket');
      await t.waitFor(`1 of ${TOTAL}`);
      t.keys('Enter');
      const found = await t.waitFor('✗ FAIL docker-socket');
      expect(selectedLine(found)).toContain(SOCKET.title.slice(0, 20));
      t.keys('d');
      await t.waitFor(/Accept "no-docker-socket" as done although it did not pass/);
      t.type(REASON);
      await t.waitFor('ticket SEC-77');
      t.keys('Enter');
      await t.waitFor('⚑ accepted risk · check step · critical');
      t.keys('Escape');
      await t.waitFor((s) => !s.includes('Esc clears'));

      // ] goes from step to open step; the manual step is attested; the failed rest skipped,
      // the cursor moving on by itself after each.
      t.keys('g');
      await t.waitFor((s) => selectedLine(s).includes(STEPS[0]!.title.slice(0, 20)));
      t.keys(']');
      const next = await t.waitFor((s) => !selectedLine(s).includes(STEPS[0]!.title.slice(0, 20)));
      expect(selectedLine(next)).toMatch(/^›✗ /);
      t.keys('[');
      await t.waitFor((s) => selectedLine(s).includes(STEPS[0]!.title.slice(0, 20)));
      t.keys('d');
      await t.waitFor(progress(++resolved));
      // The failed checks but the accepted one are left: each skip moves on to the next.
      for (let i = 0; i < failed! - 1; i++) {
        await t.waitFor((s) => selectedLine(s).startsWith('›✗'));
        t.keys('s');
        await t.waitFor(/why\?/);
        t.type('tracked in the hardening backlog');
        await t.waitFor('hardening backlog');
        t.keys('Enter');
        await t.waitFor((s) => !/why\?/.test(s));
      }
      const done = await t.waitFor('All steps resolved — 1 accepted risk — press S to sign off');
      expect(done).toMatch(new RegExp(`${TOTAL}/${TOTAL} · ✓\\d+ ⚑1 –\\d+ `));

      // The sign-off review names the accepted finding before the signature.
      t.keys('S');
      const review = await t.waitFor(/Sign off a record with 1 accepted risk: your name/);
      expect(review).toContain('You accept 1 critical/high finding(s):');
      expect(review).toMatch(
        new RegExp(`⚑ CRITICAL docker-socket · container ${name} \\([0-9a-f]{12}\\)`),
      );
      expect(review).toContain('step no-docker-socket, accepted by');
      t.keys('C-u');
      t.type('Jane Reviewer');
      await t.waitFor('› Jane Reviewer');
      t.keys('Enter');
      await t.waitFor(/statement/);
      t.keys('Enter');
      await t.waitFor(/SIGNED by Jane Reviewer/);
      t.keys('q');
      await t.waitFor('[exit 0]');

      // The report counts it apart and lists it among the accepted risks.
      const md = await warden(home, ['report', id]);
      expect(md.code).toBe(0);
      expect(md.stdout).toMatch(/Status: \*\*signed\*\*; \d+ done, 1 accepted, \d+ skipped/);
      expect(md.stdout).toContain(
        `- [⚑] **${SOCKET.title}** (\`no-docker-socket\`, check, critical): accepted risk`,
      );
      expect(md.stdout).toMatch(
        new RegExp(
          `\\| critical \\| \`no-docker-socket\` \\| docker-socket · container ${name} \\([0-9a-f]{12}\\) \\| \\S+ at .* \\| ${REASON} \\|`,
        ),
      );
      const json = JSON.parse((await warden(home, ['report', id, '--format', 'json'])).stdout);
      expect(json.counts).toMatchObject({ accepted: 1, failed: 0, pending: 0 });
      expect((await warden(home, ['verify', id])).code).toBe(0);
    });
  },
);
