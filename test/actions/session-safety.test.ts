/** Engine-enforced incident safety over a fake action runner (no engine needed). */
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
import type { ActionRunner, StepContext } from '../../src/engine/executors.js';
import { buildReport } from '../../src/report/report.js';
import { renderMarkdown } from '../../src/report/format-markdown.js';
import { deps, loadedFrom, tempHome } from '../helpers/session.js';

const runbook = `id: ir
title: IR
kind: incident
description: Test.
inputs:
  - {id: target, title: Target, type: container, required: true}
phases:
  - id: detect
    title: Detect
    steps:
      - {id: confirm, title: Confirm, guidance: Confirm it.}
  - id: contain
    title: Contain
    steps:
      - {id: snap, title: Snapshot, type: action, action: snapshot, guidance: Snap., params: {container: "{{target}}"}}
      - {id: iso, title: Isolate, type: action, action: isolate, guidance: Isolate., params: {container: "{{target}}"}}
      - {id: rest, title: Restore, type: action, action: restore, guidance: Restore., params: {container: "{{target}}", backup: latest}}
  - id: review
    title: Review
    steps:
      - {id: lessons, title: What worked?, guidance: Answer.}
`;

function fakeRunner(calls: StepContext[], complete = true): ActionRunner {
  const data = (id: string, ctx: StepContext): Record<string, unknown> =>
    id === 'snapshot'
      ? {
          action: 'snapshot',
          container: { id: 'abcdef123456', name: ctx.params.container },
          complete,
          fullSnapshot: true,
          dir: 'evidence/web-1',
          manifest: 'evidence/web-1/manifest.json',
          manifestSha256: 'a'.repeat(64),
          files: [],
        }
      : id === 'restore'
        ? {
            action: 'restore',
            container: { id: 'abcdef123456', name: 'web' },
            backupCreatedAt: '2100-01-01T00:00:00.000Z',
            warnings: ctx.params.incidentStart ? ['newer than the incident'] : [],
          }
        : {
            action: id,
            container: { id: 'abcdef123456', name: 'web' },
            before: [{ network: 'front' }],
          };
  return {
    actions: [
      { id: 'snapshot', title: 'Snapshot', destructive: false },
      { id: 'isolate', title: 'Isolate', destructive: true, confirmParam: 'container' },
      { id: 'restore', title: 'Restore', destructive: true, confirmParam: 'container' },
      { id: 'eradicate', title: 'Eradicate', destructive: true, confirmParam: 'container' },
    ],
    dryRun: async (id, ctx) => ({
      ok: true,
      summary: `plan ${id}`,
      data: { ...data(id, ctx), calls: [`call ${id}`] },
    }),
    run: async (id, ctx) => {
      calls.push(ctx);
      return { ok: id !== 'snapshot' || complete, summary: `${id} done`, data: data(id, ctx) };
    },
  };
}

describe('incident safety in the engine', () => {
  it('isolate is refused until a complete snapshot exists, unless a reason is recorded', async () => {
    const calls: StepContext[] = [];
    const s = await Session.start(
      deps(tempHome(), { actions: fakeRunner(calls) }),
      loadedFrom(runbook),
      { target: 'web' },
      'alice',
    );
    const signal = new AbortController().signal;
    await expect(s.run('iso', { signal, typed: 'web' })).rejects.toThrow(
      /no complete snapshot of "web"/,
    );
    expect(s.entries.some((e) => e.type === 'step.started')).toBe(false);
    await s.run('iso', { signal, typed: 'web', overrideReason: 'host is being wiped anyway' });
    const started = s.entries.find((e) => e.type === 'step.started' && e.step === 'iso');
    expect(started?.data.overrideReason).toBe('host is being wiped anyway');
    expect(started?.data.plan).toMatchObject({ calls: ['call isolate'] });
    await s.run('snap', { signal });
    expect(s.state.evidence?.[0]).toMatchObject({ complete: true, container: { name: 'web' } });
    await s.reopen('iso');
    await s.run('iso', { signal, typed: 'web' });
    expect(s.state.steps.iso?.status).toBe('done');
    // Restores carry the incident's start, and a newer backup gives a warning.
    await s.run('rest', { signal, typed: 'web' });
    expect(calls.at(-1)?.params.incidentStart).toBe(s.state.startedAt);
    expect(s.state.restores?.[0]?.warnings).toEqual(['newer than the incident']);
    await s.addNote('lessons', 'the snapshot gate saved the evidence');
    const md = renderMarkdown(
      buildReport(s.state, s.entries, {
        ok: true,
        entries: s.entries.length,
        head: s.state.head,
        signatures: 0,
      } as never),
    );
    expect(md).toContain('## Incident summary');
    expect(md).toMatch(/Time to contain: \d+ s/);
    expect(md).toContain('safety rule overridden: host is being wiped anyway');
    expect(md).toContain('- **What worked?**\n  - the snapshot gate saved the evidence');
    await s.close();
  });

  it('ad-hoc actions: destructive ones need confirmation; an incomplete snapshot does not open the gate; results are folded into state', async () => {
    const calls: StepContext[] = [];
    const s = await Session.startAdHoc(
      deps(tempHome(), { actions: fakeRunner(calls, false) }),
      'bob',
      { target: 'web' },
    );
    const signal = new AbortController().signal;
    expect(s.state.runbook.id).toBe('ad-hoc');
    await expect(s.runAdHoc('eradicate', { container: 'web' }, { signal })).rejects.toThrow(
      /destructive/,
    );
    const snap = await s.runAdHoc('snapshot', { container: 'web' }, { signal });
    expect(snap.outcome).toBe('failed');
    await expect(
      s.runAdHoc('isolate', { container: 'web' }, { signal, confirmed: true }),
    ).rejects.toThrow(/no complete snapshot/);
    const dry = await s.runAdHoc('isolate', { container: 'web' }, { signal, dryRun: true });
    expect(dry.outcome).toBe('ok');
    expect(calls.map((c) => c.params.container)).toEqual(['web']);
    expect(s.state.actionLog?.map((a) => [a.action, a.adhoc, a.dryRun, a.outcome])).toEqual([
      ['snapshot', true, false, 'failed'],
      ['isolate', true, true, 'ok'],
    ]);
    await s.close();
  });
});
