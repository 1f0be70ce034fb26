/**
 * A session that spans engines: every check records the engine it read (from the session's
 * `engine` port, asked per step), the fold keeps it, and the report lists each engine with the
 * steps run on it and says, on each run, which one it was. Two daemons with one host name are
 * told apart by their address.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
import type { EngineRef } from '../../src/engine/executors.js';
import { verifyChain, parseJournalText } from '../../src/journal/chain.js';
import { buildReport } from '../../src/report/report.js';
import { renderMarkdown } from '../../src/report/format-markdown.js';
import { flipCheckRunner } from '../fakes/ports.js';
import { deps, loadedFrom, tempHome } from '../helpers/session.js';
import { readFileSync } from 'node:fs';

const runbook = `id: two-engines
title: Two engines
kind: checklist
description: One check, run on two engines.
phases:
  - id: check
    title: Check
    steps:
      - { id: root, title: No root, guidance: Check it., type: check, checks: [root-user] }
`;

describe('engines in the report', () => {
  it('records the engine of each check run; the report groups what ran on each', async () => {
    const a: EngineRef = { endpoint: 'unix:///var/run/docker.sock', id: 'AAA', name: 'vm' };
    const b: EngineRef = { endpoint: 'ssh://ops@10.0.0.9', context: 'db', id: 'BBB', name: 'vm' };
    let current = a;
    const s = await Session.start(
      deps(tempHome(), { checks: flipCheckRunner(), engine: async () => current }),
      loadedFrom(runbook),
      {},
      'alice',
    );
    const signal = new AbortController().signal;
    await s.run('root', { signal });
    current = b;
    await s.run('root', { signal });
    // A dry run reads nothing: it names no engine in the report.
    await s.run('root', { signal, dryRun: true });
    const text = readFileSync(s.journalPath, 'utf8');
    const entries = parseJournalText(text).lines.flatMap((l) => ('entry' in l ? [l.entry] : []));
    const results = entries.filter((e) => e.type === 'step.result' && e.data.dryRun !== true);
    expect(results.map((e) => (e.data.engine as EngineRef).id)).toEqual(['AAA', 'BBB']);
    const report = buildReport(s.state, entries, verifyChain(parseJournalText(text).lines));
    expect(report.engines.map((e) => [e.label, e.steps])).toEqual([
      ['vm (unix:///var/run/docker.sock)', ['root']],
      ['vm (ssh://ops@10.0.0.9)', ['root']],
    ]);
    const md = renderMarkdown(report);
    expect(md).toContain('## Engines (this session spans them)');
    expect(md).toContain(
      '- **vm (ssh://ops@10.0.0.9)** (context `db`, `ssh://ops@10.0.0.9`, engine ID `BBB`): steps `root`',
    );
    const runs = md.split('\n').filter((l) => l.startsWith('  - Run at '));
    expect(runs.map((l) => /on (vm \(\S+\))/.exec(l)?.[1])).toEqual([
      'vm (unix:///var/run/docker.sock)',
      'vm (ssh://ops@10.0.0.9)',
    ]);
    await s.close();
  });
});
