/**
 * `warden sessions`: each session's runbook, targets, state, progress and last activity, most
 * recently worked on first; who signed a signed one; empty ad-hoc sessions left out.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
import { warden } from '../helpers/cli.js';
import { deps, loadedFrom, tempHome } from '../helpers/session.js';

const checklist = `id: harden
title: Harden
kind: checklist
description: One check, one manual step.
inputs:
  - { id: container, title: Container, type: container }
phases:
  - id: p
    title: P
    steps:
      - { id: a, title: First, guidance: g }
      - { id: b, title: Second, guidance: g }
`;

describe('warden sessions', () => {
  it('shows targets, state, progress apart (accepted, failed) and last activity; newest work first', async () => {
    const home = tempHome();
    const d = deps(home);
    let n = 0;
    d.randomHex = () => `00000${n++}`;
    const web = await Session.start(d, loadedFrom(checklist), { container: 'web' }, 'alice');
    await web.fail('a', 'root user');
    const all = await Session.start(d, loadedFrom(checklist), {}, 'bob');
    await all.markDone('a');
    await all.markDone('b');
    await all.signOff('Jane Reviewer', 'ok');
    await all.close();
    // Worked on last, although started first.
    await web.markDone('b');
    await web.close();
    const empty = await Session.startAdHoc(d, 'carol', { target: 'db' });
    await empty.close();

    const t = await warden(home, ['sessions']);
    expect(t.code).toBe(0);
    const lines = t.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^SESSION\s+RUNBOOK\s+TARGET\s+STATE\s+DONE\s+LAST ACTIVITY \(UTC\)\s+STARTED BY$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${web.id}\\s+harden\\s+web\\s+ready-to-sign\\s+2/2 \\(1 failed\\)\\s+2026-11-23 08:00\\s+alice$`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^${all.id}\\s+harden\\s+every container\\s+signed by an unknown key \\(signer: Jane Reviewer\\)\\s+2/2\\s+`,
      ),
    );
    // The ad-hoc session in which nothing was recorded does not linger in the list.
    expect(t.stdout).not.toContain(empty.id);
    expect(lines).toHaveLength(3);

    const j = JSON.parse((await warden(home, ['sessions', '--json'])).stdout);
    expect(j.map((r: { id: string }) => r.id)).toEqual([web.id, all.id]);
    expect(j[0]).toMatchObject({
      targets: ['web'],
      status: 'ready-to-sign',
      counts: { done: 1, failed: 1, accepted: 0 },
      progress: '2/2',
      operator: 'alice',
    });
    expect(j[1]).toMatchObject({
      targets: [],
      scope: 'every container',
      signedBy: 'Jane Reviewer',
    });
    const every = JSON.parse((await warden(home, ['sessions', '--json', '--all'])).stdout);
    expect(every.find((r: { id: string }) => r.id === empty.id)).toMatchObject({
      runbook: 'ad-hoc',
      targets: ['db'],
      empty: true,
    });
  });
});
