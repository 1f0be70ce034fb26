/**
 * The session screen's containment UI: a typed confirmation only once the target is known to
 * exist, showing what the step will do; a removed target replaced through a picker (recorded);
 * an action refused before anything changes; progress and a countdown while a step runs; what the
 * operator types masked before it is recorded, and said so; the incident's start set with T.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DockerError } from '../../src/errors.js';
import type { ActionOutcome, StepContext } from '../../src/engine/executors.js';
import type { Session } from '../../src/engine/session.js';
import type { Runbook } from '../../src/runbook/types.js';
import { fakeActions, harness, loaded, step } from '../fakes/app.js';
import { idOf } from '../fakes/docker.js';
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

function runbook(): Runbook {
  return {
    id: 'mini-incident',
    title: 'Mini incident',
    kind: 'incident',
    description: 'Contain and recover.',
    inputs: [
      { id: 'target', title: 'Target', type: 'container', required: true },
      { id: 'incident-start', title: 'Incident start', type: 'time', required: false },
    ],
    phases: [
      {
        id: 'contain',
        title: 'Contain',
        steps: [
          step({
            id: 'isolate-target',
            title: 'Isolate the target',
            type: 'action',
            action: 'isolate',
            params: { container: '{{target}}' },
          }),
          step({
            id: 'snap',
            title: 'Snapshot the target',
            type: 'action',
            action: 'snapshot',
            params: { container: '{{target}}' },
          }),
          step({
            id: 'stop-target',
            title: 'Stop the target',
            type: 'action',
            action: 'stop',
            params: { container: '{{target}}' },
          }),
        ],
      },
    ],
  };
}

/** A plan about `name` (the fake engine's id), or "no such container" for names it lacks. */
const known = new Set(['web', 'db', 'worker']);
function plan(over: Partial<ActionOutcome> = {}) {
  return async (_id: string, ctx: StepContext): Promise<ActionOutcome> => {
    const name = ctx.params.container ?? '';
    if (!known.has(name))
      throw new DockerError(`inspect container ${name}: No such container`, 'not-found');
    return {
      ok: true,
      summary: 'plan',
      data: {
        container: { id: idOf(name), name },
        calls: ['POST /networks/frontend/disconnect'],
        blastRadius: `${name} is cut off from frontend (as web) shared with db; published ports stop answering`,
      },
      ...over,
    };
  };
}

async function open(
  target: string,
  actions = fakeActions({ plan: plan() }),
  more: Parameters<typeof harness>[0] = {},
) {
  const h = harness({ actions, runbooks: [runbook()], ...more });
  const r = await renderApp(
    h,
    { kind: 'run', loaded: loaded(runbook()), inputs: { target } },
    { columns: 100, rows: 30 },
  );
  tui = r.tui;
  await tui.waitFor('Isolate the target');
  return { h, tui: r.tui, session: () => r.holder.current as Session };
}

describe('confirmations after the target is known', () => {
  it('asks for the typed name only once the target exists, and shows what will be cut', async () => {
    const { h, tui } = await open('web');
    await tui.pressUntil('G', '›○ Stop the target');
    const f = await tui.pressUntil(KEYS.enter, 'Type "web" to confirm');
    expect(f).toContain('This will: web is cut off from frontend (as web) shared with db;');
    expect(h.actions.ran).toEqual([]);
  });

  it('the typed confirmation names the engine the step will run against', async () => {
    const engine = async () => ({
      endpoint: 'ssh://ops@db1',
      context: 'db1',
      id: 'ENGINE-ID',
      name: 'db1',
    });
    const { h, tui, session } = await open('web', undefined, { engine });
    await tui.pressUntil('G', '›○ Stop the target');
    const f = await tui.pressUntil(KEYS.enter, 'Type "web" to confirm');
    expect(f.replace(/\s+/g, ' ')).toContain(
      'This will, on db1 (context db1, ssh://ops@db1): web is cut off from frontend',
    );
    await tui.answer('web', (fr) => !fr.includes('Enter submit'));
    // The journal records it too: the intent and the result name the engine.
    const stop = () =>
      h.store
        .entries(session().id)
        .filter((e) => e.step === 'stop-target' && e.data.dryRun !== true);
    await tui.waitFor(() => stop().some((e) => e.type === 'step.result'));
    const entries = stop();
    expect(entries.map((e) => (e.data.engine as { id?: string } | undefined)?.id)).toEqual([
      'ENGINE-ID',
      'ENGINE-ID',
    ]);
  });

  it('isolate: the target is looked up before the snapshot rule asks for a reason', async () => {
    const { tui } = await open('gone');
    const f = await tui.pressUntil(KEYS.enter, 'no container gone on the engine');
    expect(f).not.toContain('Run it anyway?');
    await tui.pressUntil(KEYS.escape, '›○ Isolate the target');
  });

  it('a target that is gone opens a picker; the pick is recorded as the replacement, then confirmed', async () => {
    const { h, tui, session } = await open('gone');
    await tui.pressUntil('G', '›○ Stop the target');
    let f = await tui.pressUntil(KEYS.enter, 'no container gone on the engine: pick the container');
    // No name to type was asked for a container that does not exist.
    expect(f).not.toContain('Type "gone"');
    expect(f).toMatch(/› db +postgres/);
    f = await tui.pressUntil(KEYS.enter, 'Type "db" to confirm');
    expect(f).toContain(`Recorded: db (${idOf('db').slice(0, 12)}) replaces gone`);
    const replaced = session().entries.find((e) => e.type === 'target.replaced');
    expect(replaced?.data).toMatchObject({
      input: 'target',
      replacement: { id: idOf('db'), name: 'db' },
    });
    expect(session().state.inputs.target).toBe('db');
    expect(h.actions.ran).toEqual([]);
    await tui.answer('db', '✓ done');
    expect(h.actions.ran).toEqual(['stop:db']);
  });

  it('an action the target cannot take (host networking) is refused before anything changes', async () => {
    const actions = fakeActions({
      plan: plan({
        ok: false,
        summary:
          "web uses --network host: it shares the host's network and cannot be isolated; pause or stop it instead",
      }),
    });
    const { tui, session } = await open('web', actions);
    await tui.pressUntil('G', '›○ Stop the target');
    const f = await tui.pressUntil(KEYS.enter, 'uses --network host');
    expect(f).not.toContain('Type "web"');
    expect(session().entries.some((e) => e.type === 'step.started')).toBe(false);
  });
});

describe('while an action runs', () => {
  it('shows bytes and rate, and c cancels: recorded cancelled, the step stays open', async () => {
    const actions = fakeActions({
      plan: plan(),
      act: async (_id, ctx) => {
        ctx.onProgress?.({ label: 'logs', bytes: 12 * 1024 * 1024, rate: 4 * 1024 * 1024 });
        await new Promise<void>((r) =>
          ctx.signal.addEventListener('abort', () => r(), { once: true }),
        );
        return {
          ok: false,
          cancelled: true,
          summary: 'INCOMPLETE snapshot of web: cancelled by the operator during logs',
          data: {},
        };
      },
    });
    const { tui, session } = await open('web', actions);
    await tui.pressUntil('j', '›○ Snapshot the target');
    await tui.pressUntil(KEYS.enter, 'logs: 12 MiB written · 4.0 MiB/s');
    await tui.pressUntil('c', 'result: cancelled — INCOMPLETE snapshot of web');
    await tui.waitFor('○ pending · action step');
    expect(session().state.steps.snap?.status).toBe('pending');
    expect(session().state.steps.snap?.results.at(-1)?.outcome).toBe('cancelled');
  });

  it('a stop counts down to SIGKILL and says when the engine cannot be called back', async () => {
    const actions = fakeActions({
      plan: plan(),
      act: async (_id, ctx) => {
        const deadline = new Date(Date.parse('2025-01-15T03:10:00.000Z') + 7000).toISOString();
        ctx.onProgress?.({ label: 'stop', deadline, deadlineLabel: 'SIGKILL' });
        await new Promise<void>((r) =>
          ctx.signal.addEventListener('abort', () => r(), { once: true }),
        );
        ctx.onProgress?.({
          label: 'stop',
          deadline,
          deadlineLabel: 'SIGKILL',
          uncancellable: `the engine has sent SIGTERM and cannot be called back: it sends SIGKILL at ${deadline}`,
        });
        await new Promise((r) => setTimeout(r, 50));
        return { ok: true, summary: 'web: running → exited', data: {} };
      },
    });
    const { tui } = await open('web', actions);
    await tui.pressUntil('G', '›○ Stop the target');
    await tui.pressUntil(KEYS.enter, 'Type "web" to confirm');
    await tui.answer('web', 'stop: SIGKILL in 7 s');
    await tui.pressUntil('c', 'cannot be called back');
    await tui.waitFor('running → exited');
  });
});

describe('operator text', () => {
  it("a note with the target's secret is recorded masked, and the screen says so", async () => {
    const secret = 'hunter2-planted-value';
    const { tui, session } = await open('web', fakeActions({ plan: plan() }), {
      targetSecrets: async (refs) =>
        new Map(refs.map((r) => [r, [{ value: secret, label: `DB_PASSWORD of ${r}` }]])),
    });
    await tui.pressUntil('n', 'Note on "isolate-target"');
    const f = await tui.answer(
      `attacker used DB_PASSWORD ${secret} from env`,
      'Recorded with secrets masked (the value of DB_PASSWORD of web)',
    );
    expect(f).not.toContain(secret);
    const note = session().entries.find((e) => e.type === 'note.added');
    expect(note?.data).toMatchObject({ text: 'attacker used DB_PASSWORD *** from env' });
    expect(JSON.stringify(session().entries)).not.toContain(secret);
  });

  it("T records the incident's start", async () => {
    const { tui, session } = await open('web');
    await tui.pressUntil('T', 'When did the incident start');
    await tui.answer('18m', 'Incident start recorded: 2025-01-15T');
    const change = session().entries.find((e) => e.type === 'input.changed');
    expect(change?.data).toMatchObject({ input: 'incident-start' });
    expect(Date.parse(String(change?.data.value))).toBeLessThan(
      Date.parse(session().state.startedAt),
    );
  });
});

describe("the incident's start at the inputs", () => {
  it('a time that cannot be read is said on the inputs screen, which stays', async () => {
    const h = harness({ actions: fakeActions({ plan: plan() }), runbooks: [runbook()] });
    const r = await renderApp(h, { kind: 'run', loaded: loaded(runbook()), inputs: {} });
    tui = r.tui;
    await tui.waitFor('Target (target, container, required)');
    await tui.pressUntil(KEYS.enter, 'Incident start (incident-start, time)');
    let f = await tui.answer('yesterday', 'cannot read "yesterday" as a time');
    expect(f).toContain('inputs 2/2');
    expect(r.holder.current).toBeUndefined();
    tui.stdin.write('\u0015'); // Ctrl-U clears the field
    await tui.waitFor((s) => !s.includes('› yesterday'));
    f = await tui.answer('02:55', 'Isolate the target');
    expect((r.holder.current as Session).state.inputs['incident-start']).toBe(
      '2025-01-15T02:55:00.000Z',
    );
  });
});
