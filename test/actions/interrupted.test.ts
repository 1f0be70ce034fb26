/**
 * After a crash, an interrupted action is re-read against live state before a retry is offered:
 * a snapshot directory without its manifest, an isolate that stopped half-way.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectInterrupted } from '../../src/actions/interrupted.js';
import { attachmentsOf } from '../../src/actions/isolate.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  noDockerReason,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import { actionDeps, createVictim, type Victim } from './helpers.js';

const runId = `int-${randomBytes(3).toString('hex')}`;

describe.skipIf(!dockerAvailable)(`re-reading interrupted actions (${noDockerReason})`, () => {
  let v: Victim;
  const home = tempHome('warden-interrupted-');
  beforeAll(() => {
    ensureTestImage();
    v = createVictim(runId, 'int', 10 + Math.floor(Math.random() * 30));
  });
  afterAll(() => cleanupLabelled(runId));

  it('a snapshot cut off before its manifest is reported incomplete, and a retry is offered', async () => {
    const deps = actionDeps(home);
    const dir = join(deps.sessionDir('s1'), 'evidence', `${v.name}-20261123T080000.000Z`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stdout.log'), 'partial\n');
    const r = await inspectInterrupted(deps, 's1', {
      action: 'snapshot',
      params: { container: v.name },
      intent: {},
    });
    expect(r.facts).toContain(`${v.name} is running`);
    expect(
      r.facts.some((f) => /holds 1 file\(s\) but no manifest: the snapshot is incomplete/.test(f)),
    ).toBe(true);
    expect(r).toMatchObject({
      safeToRetry: true,
      advice: 'take a new snapshot (the partial one is kept as is)',
    });
  });

  it('an isolate stopped half-way says which networks are still attached and which are gone', async () => {
    const deps = actionDeps(home);
    const docker = deps.docker();
    const before = attachmentsOf(await docker.inspectDetailed(v.name));
    expect(before.map((a) => a.network).sort()).toEqual([v.netA, v.netB].sort());
    dockerCli(['network', 'disconnect', v.netA, v.name]); // the crash came after the first disconnect
    const r = await inspectInterrupted(deps, 's2', {
      action: 'isolate',
      params: { container: v.name },
      intent: { plan: { before } },
    });
    expect(r.facts).toEqual(
      expect.arrayContaining([
        `still attached to ${v.netB}`,
        `disconnected from ${v.netA}`,
        'no isolation record on disk',
      ]),
    );
    expect(r).toMatchObject({
      safeToRetry: true,
      advice: 'run isolate again: it picks up where it stopped',
    });
  });

  it('a container that is gone is said so, and no retry is offered', async () => {
    const deps = actionDeps(home);
    const r = await inspectInterrupted(deps, 's3', {
      action: 'isolate',
      params: { container: `${v.name}-gone` },
      intent: {},
    });
    expect(r.facts).toEqual([`${v.name}-gone no longer exists`]);
    expect(r.safeToRetry).toBe(false);
  });
});
