/**
 * Which session a CLI verb records into without --session: the one open incident session that
 * targets the container, else a new ad-hoc session (its id printed). Real bin/warden.js, real
 * engine (labelled, uniquely named containers, removed afterwards).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
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
import { deps, loadedFrom, tempHome } from '../helpers/session.js';

const runId = `vs-${randomBytes(3).toString('hex')}`;

const incident = `id: drill
title: Drill
kind: incident
description: A drill.
inputs: [{ id: target, title: Target, type: container, required: true }]
phases:
  - id: detect
    title: Detect
    steps: [{ id: confirm, title: Confirm the alert, guidance: g }]
`;

function container(): string {
  const name = testName('vs');
  dockerCli(['run', '-d', '--name', name, ...labelArgs(runId), TEST_IMAGE, 'sleep', '3600']);
  return name;
}

interface Row {
  id: string;
  runbook: string;
  targets: string[];
}

async function sessions(home: string): Promise<Row[]> {
  return JSON.parse((await warden(home, ['sessions', '--json', '--all'])).stdout) as Row[];
}

describe.skipIf(!dockerAvailable)(`CLI verbs find their session (${noDockerReason})`, () => {
  beforeAll(() => {
    ensureTestImage();
  });
  afterAll(() => cleanupLabelled(runId));

  it('isolate then unisolate of one container land in one ad-hoc session, which says so', async () => {
    const home = tempHome();
    const c = container();
    const iso = await warden(home, [
      'isolate',
      c,
      '--yes',
      '--reason',
      'drill, evidence not needed',
    ]);
    expect(iso.code, iso.stderr).toBe(0);
    const created = /recording in a new ad-hoc session (\S+)/.exec(iso.stderr)?.[1];
    expect(created).toBeDefined();
    expect(iso.stdout).toContain(`session: ${created}`);

    const un = await warden(home, ['unisolate', c]);
    expect(un.code, un.stderr).toBe(0);
    expect(un.stderr).toContain(`recording in session ${created} (Ad-hoc incident actions`);
    expect(un.stderr).toContain(`which targets ${c}`);

    const rows = await sessions(home);
    expect(rows.map((r) => r.id)).toEqual([created]);
    const report = JSON.parse(
      (await warden(home, ['report', created!, '--format', 'json'])).stdout,
    );
    expect(
      report.incident.actions.map(
        (a: { action: string; outcome: string }) => `${a.action}:${a.outcome}`,
      ),
    ).toEqual(['isolate:ok', 'unisolate:ok']);
  });

  it('records into the open incident runbook session of that container; another container gets its own', async () => {
    const home = tempHome();
    const c = container();
    const other = container();
    const s = await Session.start(deps(home), loadedFrom(incident), { target: c }, 'op');
    await s.close();

    const pause = await warden(home, ['pause', c]);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stderr).toContain(
      `recording in session ${s.id} (Drill, in-progress), which targets ${c}`,
    );
    // By id as well as by name.
    const id = dockerCli(['inspect', '--format', '{{.Id}}', c]).slice(0, 12);
    const unpause = await warden(home, ['unpause', id]);
    expect(unpause.stderr).toContain(`recording in session ${s.id}`);
    const back = await Session.resume(deps(home), s.id, 'op');
    expect(back.state.actionLog?.map((a) => a.action)).toEqual(['pause', 'unpause']);
    await back.close();

    const p2 = await warden(home, ['pause', other]);
    expect(p2.code, p2.stderr).toBe(0);
    expect(p2.stderr).toMatch(/recording in a new ad-hoc session \S+/);
    await warden(home, ['unpause', other]);
    const rows = await sessions(home);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.runbook === 'ad-hoc')?.targets).toEqual([other]);
  });

  it('two open incident sessions of the container: a new ad-hoc session, naming both; a refused verb leaves none', async () => {
    const home = tempHome();
    const c = container();
    const a = await Session.start(deps(home), loadedFrom(incident), { target: c }, 'op');
    await a.close();
    let n = 0;
    const d = deps(home);
    d.randomHex = () => `b0000${n++}`;
    const b = await Session.start(d, loadedFrom(incident), { target: c }, 'op');
    await b.close();
    const r = await warden(home, ['pause', c]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `2 open incident sessions target ${c} \\(.*${a.id}.*\\); recording in a new ad-hoc session`,
      ),
    );
    expect(r.stderr).toContain(b.id);
    await warden(home, ['unpause', c, '--session', a.id]);

    // Refused before anything runs: no session is created for it.
    const other = container();
    const before = (await sessions(home)).length;
    const refused = await warden(home, ['isolate', other, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/isolate refused: no complete snapshot/);
    expect(await sessions(home)).toHaveLength(before);
  });
});
