/**
 * Cancel in the real TUI (tmux, 80×24) against real containers: `c` stops a snapshot of a large,
 * still-growing log within 2 s of the key (recorded cancelled, its manifest INCOMPLETE); quitting
 * while a snapshot runs cancels it and exits within seconds, the journal saying so; a stop the
 * engine cannot call back says so on screen and records what the engine did. Needs
 * `npm run build` first, a Docker engine and tmux.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChattyContainer, createStubborn } from '../actions/helpers.js';
import {
  cleanupLabelled,
  dockerAvailable,
  ensureTestImage,
  noDockerReason,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import { Tmux, tmuxAvailable } from '../helpers/tmux.js';

const runId = `cancel-tui-${randomBytes(3).toString('hex')}`;

const RUNBOOK = `id: cancel-drill
title: Cancel drill
kind: incident
description: A snapshot and a stop, to cancel.
inputs:
  - { id: target, title: Target, type: container, required: true }
phases:
  - id: contain
    title: Contain
    steps:
      - id: snap
        title: Snapshot the target
        type: action
        action: snapshot
        params: { container: "{{target}}" }
        guidance: Evidence first.
      - id: halt
        title: Stop the target
        type: action
        action: stop
        params: { container: "{{target}}", timeout: "6" }
        guidance: Stops it.
`;

interface Entry {
  type: string;
  step?: string;
  data: Record<string, unknown>;
}

function journal(home: string): Entry[] {
  const [id] = readdirSync(join(home, 'sessions'));
  return readFileSync(join(home, 'sessions', id ?? '', 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Entry);
}

describe.skipIf(!dockerAvailable || !tmuxAvailable)(
  `cancel in the TUI (skipped without tmux, or when ${noDockerReason})`,
  () => {
    let chatty = '';
    let t: Tmux | undefined;
    const file = join(tempHome('warden-cancel-rb-'), 'cancel-drill.yaml');

    beforeAll(async () => {
      ensureTestImage();
      writeFileSync(file, RUNBOOK);
      chatty = await createChattyContainer(runId, 'tc', 120, 40);
    }, 90_000);
    afterAll(() => {
      t?.kill();
      cleanupLabelled(runId);
    });

    it('c stops a snapshot of a large, growing log within 2 s; q while one runs cancels it and quits', async () => {
      const home = tempHome('warden-cancel-tui-');
      const term = (t = new Tmux({ WARDEN_HOME: home, NO_COLOR: '1' }));
      term.start(['run', file, '--input', `target=${chatty}`]);
      await term.waitFor('›○ Snapshot the target');
      term.keys('Enter');
      await term.waitFor(/logs: \d+(\.\d)? MiB written/, 30_000);
      const asked = Date.now();
      term.keys('c');
      await term.waitFor('result: cancelled', 10_000);
      expect(Date.now() - asked).toBeLessThan(2000);
      const screen = await term.waitFor('○ pending · action step');
      expect(screen).toContain('INCOMPLETE snapshot');
      const result = journal(home).find((e) => e.type === 'step.result' && e.step === 'snap');
      expect(result?.data).toMatchObject({
        outcome: 'cancelled',
        complete: false,
        cancelled: true,
      });
      const [id] = readdirSync(join(home, 'sessions'));
      const manifest = JSON.parse(
        readFileSync(join(home, 'sessions', id ?? '', String(result?.data.manifest)), 'utf8'),
      );
      expect(manifest).toMatchObject({ complete: false, cancelled: true });

      // Quit while a step runs: asked first, then it cancels the step and exits.
      term.keys('Enter');
      await term.waitFor(/logs: \d+(\.\d)? MiB written/, 30_000);
      term.keys('q');
      await term.waitFor('A step is running. Quit cancels it');
      const quit = Date.now();
      term.keys('y');
      await term.waitFor('[exit 0]', 10_000);
      expect(Date.now() - quit).toBeLessThan(3000);
      const snaps = journal(home).filter((e) => e.type === 'step.result' && e.step === 'snap');
      expect(snaps).toHaveLength(2);
      expect(snaps[1]?.data.outcome).toBe('cancelled');
    }, 120_000);

    it('a stop the engine cannot call back: the countdown, then the screen says so and records what the engine did', async () => {
      const stubborn = createStubborn(runId, 'tc');
      const home = tempHome('warden-cancel-stop-');
      const term = (t = new Tmux({ WARDEN_HOME: home, NO_COLOR: '1' }));
      term.start(['run', file, '--input', `target=${stubborn}`]);
      await term.waitFor('›○ Snapshot the target');
      term.keys('j');
      await term.waitFor('›○ Stop the target');
      term.keys('Enter');
      await term.waitFor(`Type "${stubborn}" to confirm`);
      term.type(stubborn);
      term.keys('Enter');
      await term.waitFor(/stop: SIGKILL in \d s/);
      term.keys('c');
      const said = await term.waitFor(
        /cancel asked, but the engine has sent SIGTERM and\s+cannot be called back/,
        3000,
      );
      expect(said).toMatch(/sends SIGKILL\s+at/);
      await term.waitFor(/running →\s+exited/, 15_000);
      const result = journal(home).find((e) => e.type === 'step.result' && e.step === 'halt');
      expect(result?.data).toMatchObject({ outcome: 'ok', after: { status: 'exited' } });
      expect(String(result?.data.cancelNotHonoured)).toContain('cannot be called back');
      term.keys('q');
      await term.waitFor('[exit 0]');
    }, 60_000);
  },
);
