import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/report.js';
import { renderJson } from '../../src/report/format-json.js';
import { renderMarkdown } from '../../src/report/format-markdown.js';
import type { CheckOutcome, CheckRunner } from '../../src/engine/executors.js';
import { Session } from '../../src/engine/session.js';
import { deps, loadedFrom, tempHome } from '../helpers/session.js';

const runbook = `id: harden
title: Harden
kind: checklist
description: Three checks and a manual step.
phases:
  - id: p
    title: Privileges
    steps:
      - { id: ns, title: No host namespaces, guidance: g, type: check, severity: critical, checks: [host-pid] }
      - { id: user, title: Non-root, guidance: g, type: check, severity: high, checks: [root-user] }
      - { id: limits, title: Limits, guidance: g, type: check, severity: low, checks: [memory-limit] }
      - { id: base, title: Minimal base image, guidance: g }
`;

/** Every check fails, with one finding against container web. */
const failing: CheckRunner = {
  ids: ['host-pid', 'root-user', 'memory-limit'],
  async run(ids): Promise<CheckOutcome> {
    return {
      ok: false,
      summary: `1 of 1 targets fail ${ids.join(', ')}`,
      results: ids.map((check) => ({
        check,
        verdict: 'fail',
        severity: check === 'host-pid' ? 'high' : check === 'root-user' ? 'medium' : 'low',
        title: check,
        target: 'container web (3f2a00000000)',
      })),
    };
  },
};

async function session() {
  const s = await Session.start(
    deps(tempHome(), { checks: failing }),
    loadedFrom(runbook),
    {},
    'op',
  );
  const signal = new AbortController().signal;
  for (const id of ['ns', 'user', 'limits']) await s.run(id, { signal });
  await s.markDone('ns', { acceptReason: 'pid namespace needed by the APM agent' });
  await s.markDone('user', { acceptReason: 'vendor image, ticket SEC-9' });
  await s.markDone('base');
  return s;
}

const chainOk = (s: Session) => ({
  ok: true,
  entries: s.state.entries,
  head: s.state.head,
  signatures: 0,
});

describe('report', () => {
  it('counts done, accepted, skipped and failed apart', async () => {
    const s = await session();
    const r = buildReport(s.state, s.entries, chainOk(s));
    expect(r.counts).toMatchObject({ done: 1, accepted: 2, failed: 1, skipped: 0, pending: 0 });
    const md = renderMarkdown(r);
    expect(md).toContain('1 done, 2 accepted, 1 failed');
    // An accepted failure has its own mark, never the [x] of a pass.
    expect(md).toContain('- [⚑] **No host namespaces** (`ns`, check, critical): accepted risk');
    expect(md).toContain('- [x] **Minimal base image**');
    expect(md).toContain('- [!] **Limits**');
    await s.close();
  });

  it('lists the accepted risks, worst first, with who accepted them and why', async () => {
    const s = await session();
    const r = buildReport(s.state, s.entries, chainOk(s));
    expect(r.acceptedRisks.map((a) => [a.severity, a.check, a.reason])).toEqual([
      ['high', 'host-pid', 'pid namespace needed by the APM agent'],
      ['medium', 'root-user', 'vendor image, ticket SEC-9'],
    ]);
    const md = renderMarkdown(r);
    const at = md.indexOf('## Accepted risks');
    expect(at).toBeGreaterThan(md.indexOf('## Progress'));
    expect(at).toBeLessThan(md.indexOf('## Privileges'));
    expect(md).toContain('| high | `ns` | host-pid · container web (3f2a00000000) | op at ');
    const json = JSON.parse(renderJson(r));
    expect(json.counts.accepted).toBe(2);
    expect(json.phases[0].steps[0]).toMatchObject({ outcome: 'accepted', status: 'done' });
    await s.close();
  });

  it('a report without accepted risks has no such section', async () => {
    const s = await Session.start(deps(tempHome()), loadedFrom(runbook), {}, 'op');
    await s.markDone('base');
    const md = renderMarkdown(buildReport(s.state, s.entries, chainOk(s)));
    expect(md).not.toContain('Accepted risks');
    expect(md).toContain('1 done, 3 pending');
    await s.close();
  });
});
