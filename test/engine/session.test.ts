import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
import { reduce, settle } from '../../src/engine/reducer.js';
import { parseJournalText, verifyChain } from '../../src/journal/chain.js';
import { deps, loadedFrom, tempHome, twoPhaseRunbook } from '../helpers/session.js';
import type { ShellPort } from '../../src/engine/ports.js';
import type { ActionRunner } from '../../src/engine/executors.js';

describe('Session (engine over the file journal)', () => {
  it('records every intent before state changes, and state equals a replay of the file', async () => {
    const home = tempHome();
    const d = deps(home);
    const s = await Session.start(d, loadedFrom(twoPhaseRunbook), {}, 'alice');
    await s.markDone('a', { note: 'checked by hand' });
    await s.addNote('b', 'waiting on vendor');
    await s.skip('b', 'not applicable on this host');
    expect(s.state.phases.map((p) => `${p.title} ${p.resolved}/${p.total}`)).toEqual([
      'Prepare 2/2',
      'Finish 0/1',
    ]);
    await s.fail('c', 'port 5432 still public');
    expect(s.state.status).toBe('ready-to-sign');

    const text = readFileSync(s.journalPath, 'utf8');
    const replay = reduce(
      parseJournalText(text).lines.flatMap((l) => ('entry' in l ? [l.entry] : [])),
    );
    expect(replay.steps).toEqual(s.state.steps);
    expect(replay.steps.b).toMatchObject({
      status: 'skipped',
      reason: 'not applicable on this host',
    });
    expect(replay.steps.b!.notes[0]).toMatchObject({ text: 'waiting on vendor', by: 'alice' });
    expect(replay.steps.c).toMatchObject({ status: 'failed', failure: 'port 5432 still public' });
    expect(statSync(s.journalPath).mode & 0o777).toBe(0o600);
    expect(statSync(home + '/sessions').mode & 0o777).toBe(0o700);
    await s.close();
  });

  it('enforces gates: a blocked step needs a recorded override reason', async () => {
    const s = await Session.start(deps(tempHome()), loadedFrom(twoPhaseRunbook), {}, 'bob');
    await expect(s.markDone('b')).rejects.toThrow(/requires "a" first/);
    await expect(s.overrideGate('b', '  ')).rejects.toThrow(/needs a reason/);
    await s.overrideGate('b', 'A was done on the old host');
    await s.markDone('b');
    expect(s.state.steps.b!.overrides[0]).toMatchObject({
      reason: 'A was done on the old host',
      unmet: ['a'],
    });
    expect(s.state.steps.b!.status).toBe('done');
    await expect(s.skip('a', '')).rejects.toThrow(/needs a reason/);
    await expect(s.fail('a', '')).rejects.toThrow(/needs a note/);
    await s.close();
  });

  it('signs off only when every step is resolved; the signature verifies and covers the head', async () => {
    const s = await Session.start(deps(tempHome()), loadedFrom(twoPhaseRunbook), {}, 'carol');
    await expect(s.signOff('carol', 'all good')).rejects.toThrow(/3 step\(s\) unresolved/);
    await s.markDone('a');
    await s.markDone('b');
    await s.skip('c', 'out of scope');
    const head = s.state.head;
    const signed = await s.signOff('Carol Reviewer', 'Checklist complete');
    expect(signed.data.head).toBe(head);
    expect(s.state.status).toBe('signed');
    const report = verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines);
    expect(report).toMatchObject({ ok: true, signatures: 1, head: signed.hash });
    // A later change un-signs the session state until it is signed again.
    await s.reopen('c');
    expect(s.state.status).toBe('in-progress');
    await s.close();
  });

  it('runs a command step through the shell port, records exit code and a masked, bounded tail', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}`);
    const shell: ShellPort = {
      run: async ({ argv, onLine }) => {
        expect(argv).toEqual(['echo', 'web']);
        onLine('DB_PASSWORD=hunter2hunter2', 'stdout');
        for (const l of lines) onLine(l, 'stdout');
        onLine('oops', 'stderr');
        return { exitCode: 3, timedOut: false, cancelled: false, durationMs: 5 };
      },
    };
    const rb = `id: cmd
title: Cmd
kind: incident
description: d
inputs: [{ id: target, title: Target, required: true }]
phases:
  - id: p
    title: P
    steps:
      - { id: run, title: Run, guidance: g, type: command, command: [echo, "{{target}}"], timeout: 2 }
`;
    const s = await Session.start(
      deps(tempHome(), { shell }),
      loadedFrom(rb),
      { target: 'web' },
      'dave',
    );
    const seen: string[] = [];
    await s.run('run', { signal: new AbortController().signal, onOutput: (l) => seen.push(l) });
    const st = s.state.steps.run!;
    expect(st.status).toBe('failed');
    expect(st.failure).toBe('exit code 3');
    const result = st.results[0]!;
    expect(result.data.exitCode).toBe(3);
    const tail = result.data.tail as string[];
    expect(tail.length).toBe(200);
    expect(tail.at(-1)).toBe('! oops');
    expect(readFileSync(s.journalPath, 'utf8')).not.toContain('hunter2');
    expect(seen[0]).toBe('DB_PASSWORD=***');
    await s.close();
  });

  it('refuses a missing required input with the flag to pass', async () => {
    const rb = twoPhaseRunbook.replace(
      'phases:',
      'inputs: [{ id: target, title: Target, required: true }]\nphases:',
    );
    await expect(Session.start(deps(tempHome()), loadedFrom(rb), {}, 'x')).rejects.toThrow(
      /--input target=<Target>/,
    );
  });

  it('replays a started step without a result as interrupted after resume', async () => {
    const home = tempHome();
    const never: ShellPort = { run: () => new Promise(() => undefined) };
    const rb = twoPhaseRunbook.replace(
      '{ id: c, title: Third, guidance: Do C. }',
      '{ id: c, title: Third, guidance: Do C., type: command, command: [sleep, "100"] }',
    );
    const d = deps(home, { shell: never });
    const s = await Session.start(d, loadedFrom(rb), {}, 'erin');
    void s.run('c', { signal: new AbortController().signal });
    await new Promise<void>((resolve) => {
      const off = s.subscribe((st) => {
        if (st.steps.c?.status === 'running') {
          off();
          resolve();
        }
      });
    });
    expect(settle(s.state).steps.c!.status).toBe('interrupted');
    // Simulate the process dying: drop the lock by closing the file handle without a result.
    await s.close();
    const again = await Session.resume(deps(home), s.id, 'erin');
    expect(again.state.steps.c!.status).toBe('interrupted');
    expect(again.state.entries).toBe(3);
    await again.close();
  });
  it('refuses to run a command whose template input is empty, and records nothing', async () => {
    const rb = `id: scan
title: Scan
kind: checklist
description: d
inputs: [{ id: image, title: Image }]
phases:
  - id: p
    title: P
    steps:
      - { id: trivy, title: Scan, guidance: g, type: command, command: [trivy, image, "{{image}}"] }
`;
    const s = await Session.start(deps(tempHome()), loadedFrom(rb), {}, 'x');
    await expect(s.run('trivy', { signal: new AbortController().signal })).rejects.toThrow(
      /needs the input "image"/,
    );
    expect(s.state.entries).toBe(1);
    await s.close();
  });
  it('uses the configured default timeout for command steps without their own', async () => {
    let seen: number | undefined;
    const shell: ShellPort = {
      run: async ({ timeoutMs }) => {
        seen = timeoutMs;
        return { exitCode: 0, timedOut: false, cancelled: false, durationMs: 1 };
      },
    };
    const rb = twoPhaseRunbook.replace(
      '{ id: c, title: Third, guidance: Do C. }',
      '{ id: c, title: Third, guidance: Do C., type: command, command: [echo] }',
    );
    const s = await Session.start(
      deps(tempHome(), { shell, defaultCommandTimeoutS: 42 }),
      loadedFrom(rb),
      {},
      'x',
    );
    await s.run('c', { signal: new AbortController().signal });
    expect(seen).toBe(42_000);
    await s.close();
  });

  it('signs the true head even when another write is queued meanwhile', async () => {
    const s = await Session.start(deps(tempHome()), loadedFrom(twoPhaseRunbook), {}, 'x');
    await s.markDone('a');
    await s.markDone('b');
    await s.skip('c', 'n/a');
    const [signed] = await Promise.all([
      s.signOff('x', 'ok'),
      s.addNote(undefined, 'written while signing'),
    ]);
    const { readFileSync } = await import('node:fs');
    expect(verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines).ok).toBe(true);
    expect(signed.data.head).toBe(signed.prev);
    await s.close();
  });
  it("keeps an action's printed findings (masked, bounded) in its result, and the report quotes them", async () => {
    const actions: ActionRunner = {
      actions: [{ id: 'triage', title: 'Triage', destructive: false }],
      dryRun: async () => ({ ok: true, summary: 'would triage', data: {} }),
      run: async (_id, ctx) => {
        ctx.onOutput('PID 1 sh -c sleep 3600');
        ctx.onOutput('event exec_start: sh -c "export API_TOKEN=tok-123456789"');
        return {
          ok: true,
          summary: '1 process, 1 event',
          data: { warnings: ['the target has no healthcheck'] },
        };
      },
    };
    const rb = `id: ir
title: IR
kind: incident
description: d
inputs: [{ id: target, title: Target, required: true }]
phases:
  - id: detect
    title: Detect
    steps:
      - { id: triage, title: Triage, guidance: g, type: action, action: triage, params: { container: "{{target}}" } }
`;
    const s = await Session.start(
      deps(tempHome(), { actions }),
      loadedFrom(rb),
      { target: 'web' },
      'x',
    );
    await s.run('triage', { signal: new AbortController().signal });
    const result = s.state.steps.triage!.results[0]!;
    expect(result.data.tail).toEqual([
      'PID 1 sh -c sleep 3600',
      'event exec_start: sh -c "export API_TOKEN=***"',
    ]);
    const { buildReport } = await import('../../src/report/report.js');
    const { renderMarkdown } = await import('../../src/report/format-markdown.js');
    const md = renderMarkdown(
      buildReport(s.state, s.entries, {
        ok: true,
        entries: s.state.entries,
        head: s.state.head,
        signatures: 0,
      }),
    );
    expect(md).toContain('      PID 1 sh -c sleep 3600');
    expect(md).toContain('**Warning**: the target has no healthcheck');
    expect(md).not.toContain('tok-123456789');
    await s.close();
  });
  it('a question step (answer: true) is done only with a recorded answer', async () => {
    const rb = twoPhaseRunbook.replace(
      '{ id: c, title: Third, guidance: Do C. }',
      '{ id: c, title: What happened?, guidance: Tell., answer: true }',
    );
    const s = await Session.start(deps(tempHome()), loadedFrom(rb), {}, 'x');
    await expect(s.markDone('c')).rejects.toThrow(
      /"What happened\?" is a question: record the answer as a note first/,
    );
    expect(s.state.steps.c!.status).toBe('pending');
    await s.addNote('c', 'a leaked token was used at 02:14 UTC');
    await s.markDone('c');
    expect(s.state.steps.c!.status).toBe('done');
    await s.close();
  });
});
