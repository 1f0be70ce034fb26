import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/engine/session.js';
import { harness, incidentRunbook, loaded, type Harness } from '../fakes/app.js';
import { fakeShell } from '../fakes/ports.js';
import { KEYS, type Tui, closed } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

function types(h: Harness, session: Session): string[] {
  return h.store.entries(session.id).map((e) => `${e.type}${e.step ? ':' + e.step : ''}`);
}

async function open(h: Harness, size?: { columns?: number; rows?: number }) {
  const r = await renderApp(
    h,
    { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} },
    size,
  );
  tui = r.tui;
  await r.tui.waitFor('Confirm the alert');
  const session = r.holder.current!;
  return { tui: r.tui, session, holder: r.holder };
}

describe('session screen', () => {
  it('shows header, phases with progress, marks and the selected step guidance', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    const f = tui.frame();
    expect(f).toContain('Container compromise');
    expect(f).toContain(session.id);
    expect(f).toContain('Contain 0/3');
    expect(f).toContain('Verify 0/3');
    expect(f).toContain('○ Confirm the alert');
    expect(f).toContain('Check the dashboard for the container.');
    expect(f).toMatch(/d done/);
  });

  it('moves with j/k and arrows, and d marks a manual step done only after the journal write', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('j', 'Guidance for capture-state.');
    await tui.pressUntil(KEYS.up, 'Check the dashboard');
    await tui.pressUntil('d', '✓ Confirm the alert');
    expect(types(h, session)).toContain('step.done:confirm-alert');
    expect(tui.frame()).toContain('Contain 1/3');
    expect(session.state.steps['confirm-alert']?.status).toBe('done');
  });

  it('a held key arriving as one chunk moves that many times; a repeated d writes nothing', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('jjj', '›○ No container runs as root');
    const before = h.store.entries(session.id).length;
    tui.stdin.write('ddd');
    await tui.pressUntil('k', '›⊘ Isolate the container');
    expect(h.store.entries(session.id)).toHaveLength(before);
  });

  it('s asks a reason; an empty reason is refused by the engine, a reason skips', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('s', 'why?');
    await tui.answer('', 'skipping a step needs a reason');
    expect(types(h, session)).not.toContain('step.skipped:confirm-alert');
    // Recorded, then the cursor moves on to the next open step.
    await tui.answer('alert was a test', closed('›○ Capture container state'));
    expect(tui.frame()).toContain(' – Confirm the alert');
    const e = h.store.entries(session.id).at(-1)!;
    expect(e.type).toBe('step.skipped');
    expect(e.data.reason).toBe('alert was a test');
    await tui.pressUntil('k', 'reason: alert was a test');
  });

  it('Esc cancels a prompt without writing anything', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    const before = h.store.entries(session.id).length;
    await tui.pressUntil('f', 'what happened?');
    await tui.pressUntil(KEYS.escape, (f: string) => !f.includes('what happened?'));
    expect(tui.frame()).toContain('d done');
    expect(h.store.entries(session.id)).toHaveLength(before);
  });

  it('f marks failed with a note; n adds a note', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('f', 'what happened?');
    await tui.answer('owner unreachable', closed('›○ Capture container state'));
    await tui.pressUntil('k', 'failure: owner unreachable');
    expect(tui.frame()).toContain('›✗ Confirm the alert');
    await tui.pressUntil('n', 'Note on "confirm-alert"');
    // Text and Enter arriving before a re-render (paste, fast typing): Enter submits that text.
    tui.stdin.write('paged the backup');
    tui.stdin.write(KEYS.enter);
    await tui.waitFor((f) => !f.includes('Note on') && f.includes('paged the backup'));
    expect(tui.frame()).toContain('Notes');
    const notes = h.store.entries(session.id).filter((e) => e.type === 'note.added');
    expect(notes.map((n) => n.data.text)).toEqual(['paged the backup']);
  });

  it('a blocked step asks for an override reason, then continues to the run', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.press('j');
    await tui.pressUntil('j', 'blocked: requires "capture-state"');
    expect(tui.frame()).toContain('⊘ Isolate the container');
    await tui.pressUntil(KEYS.enter, 'requires "capture-state" — override the gate?');
    await tui.answer('', 'overriding a gate needs a reason');
    await tui.answer('snapshot taken by hand', 'isolate refused: no complete snapshot of "web"');
    const ov = h.store.entries(session.id).find((e) => e.type === 'gate.overridden');
    expect(ov?.data).toMatchObject({ reason: 'snapshot taken by hand', unmet: ['capture-state'] });
    expect(h.actions.ran).toEqual([]);
  });

  it('isolate without a snapshot asks why (engine rule), then the typed name: a wrong name keeps the prompt open (refusal above, field cleared), the right one runs', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.press('j');
    await tui.pressUntil('j', '›⊘ Isolate the container');
    await tui.pressUntil('o', 'override the gate?');
    await tui.answer('inspect output kept by hand', closed('›○ Isolate the container'));
    expect(tui.frame()).toContain('⚠ isolate refused: no complete snapshot');
    await tui.pressUntil(KEYS.enter, 'Give a reason (Esc cancels)');
    await tui.answer('', 'running it anyway needs a reason');
    await tui.answer('EDR kept a memory image', 'Type "web" to confirm');
    const before = h.store.entries(session.id).length;
    // A wrong name: the engine refuses it and nothing is written; the prompt stays open with the
    // refusal right above the field, which starts empty again, to retype the name at once.
    const refused = await tui.answer('wbe', 'type "web" to confirm this step');
    const rows = refused.split('\n');
    const at = rows.findIndex((r) => r.includes('✗ type "web" to confirm this step'));
    expect(rows[at - 1]).toContain('Type "web" to confirm (Esc cancels)');
    expect(rows[at + 1]).toMatch(/^›\s*$/);
    expect(h.actions.ran).toEqual([]);
    expect(h.store.entries(session.id)).toHaveLength(before);
    expect(types(h, session)).not.toContain('step.started:isolate');
    // The field empties on Enter, not when the refusal comes back: a name typed right away stays.
    tui.stdin.write('wbe\r');
    tui.stdin.write('web');
    await tui.waitFor(/^› web\s*$/m);
    expect(h.store.entries(session.id)).toHaveLength(before);
    await tui.answer('', '✓ Isolate the container');
    expect(tui.frame()).not.toContain('type "web" to confirm this step');
    expect(h.actions.ran).toEqual(['isolate:web']);
    expect(tui.frame()).toContain('disconnected web');
    const started = h.store
      .entries(session.id)
      .find((e) => e.type === 'step.started' && e.step === 'isolate');
    expect(JSON.stringify(started?.data)).toContain('EDR kept a memory image');
  });

  it('a command step streams output, records exit code and tail', async () => {
    const h = harness({
      shell: fakeShell({ lines: ['{"Id": "3f2a"}', 'done reading'], exitCode: 3 }),
    });
    const { tui, session } = await open(h);
    await tui.pressUntil('j', '$ docker inspect web');
    await tui.pressUntil(KEYS.enter, 'exit code 3');
    const f = tui.frame();
    expect(f).toContain('✗ Capture container state');
    expect(f).toContain('done reading');
    expect(h.shell.calls[0]?.argv).toEqual(['docker', 'inspect', 'web']);
    const result = h.store.entries(session.id).find((e) => e.type === 'step.result');
    expect(result?.data).toMatchObject({
      outcome: 'failed',
      exitCode: 3,
      tail: ['{"Id": "3f2a"}', 'done reading'],
    });
    // Not passing: d asks for an acceptance reason.
    await tui.pressUntil('d', 'did not pass: reason?');
    // An accepted failure has its own mark: never the ✓ of a pass.
    await tui.answer('known benign', '⚑ Capture container state');
    expect(tui.frame()).not.toContain('✓ Capture container state');
    expect(h.store.entries(session.id).at(-1)?.data).toMatchObject({
      accepted: true,
      reason: 'known benign',
    });
  });

  it('c cancels a running command; the live output shows while it runs', async () => {
    const h = harness({ shell: fakeShell({ lines: ['still working'], hang: true }) });
    const { tui, session } = await open(h);
    await tui.pressUntil('j', '›○ Capture container state');
    await tui.pressUntil(KEYS.enter, 'still working');
    expect(tui.frame()).toContain('▶ Capture container state');
    expect(tui.frame()).toContain('c to cancel');
    await tui.pressUntil('c', 'cancelled by the operator');
    expect(h.shell.calls[0]?.signal.aborted).toBe(true);
    const result = h.store.entries(session.id).find((e) => e.type === 'step.result');
    expect(result?.data.outcome).toBe('cancelled');
  });

  it('a check step shows verdicts and remediation; r re-checks and flips fail to pass', async () => {
    const h = harness();
    const { tui } = await open(h);
    for (let i = 0; i < 3; i++) await tui.press('j');
    await tui.pressUntil(KEYS.enter, '✗ FAIL root-user · container web');
    expect(tui.frame()).toContain('fix: user: "10001:10001" in compose.yaml');
    expect(tui.frame()).toContain('✗ No container runs as root');
    await tui.pressUntil('r', '✓ pass root-user · container web');
    expect(tui.frame()).toContain('✓ No container runs as root');
    expect(tui.frame()).not.toContain('FAIL');
    expect(h.checks.runs).toBe(2);
  });

  it('a confirm: yes step asks y/N; n declines, y runs', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    for (let i = 0; i < 4; i++) await tui.press('j');
    await tui.pressUntil(KEYS.enter, 'Run "restart"? [y/N]');
    await tui.pressUntil('n', /d done/);
    expect(h.shell.calls).toHaveLength(0);
    await tui.pressUntil(KEYS.enter, 'Run "restart"? [y/N]');
    await tui.pressUntil('y', '✓ Restart the service');
    expect(h.shell.calls[0]?.argv).toEqual(['systemctl', 'restart', 'app']);
    expect(types(h, session)).toContain('step.result:restart');
  });

  it('q while a step runs asks first; yes cancels it, records the cancel and quits', async () => {
    const h = harness({ shell: fakeShell({ lines: ['working'], hang: true }) });
    const { tui, session } = await open(h);
    await tui.pressUntil('j', '›○ Capture container state');
    await tui.pressUntil(KEYS.enter, 'working');
    await tui.pressUntil('q', 'A step is running. Quit cancels it');
    await tui.pressUntil('n', (f: string) => !f.includes('Quit cancels it'));
    expect(tui.frame()).toMatch(/c cancel/);
    expect(h.shell.calls[0]?.signal.aborted).toBe(false);
    await tui.pressUntil('q', 'Quit?');
    tui.stdin.write('y');
    await tui.waitFor(() => h.store.entries(session.id).some((e) => e.type === 'step.result'));
    expect(h.shell.calls[0]?.signal.aborted).toBe(true);
  });

  it('sign-off: banner when all resolved, name prefilled, statement, head hash shown', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('S', 'still open');
    // Each skip moves the cursor on to the next open step.
    for (let i = 0; i < 6; i++) {
      await tui.pressUntil('s', 'why?');
      // The header counts the skip as the journal takes it; the prompt closes just after.
      await tui.answer('not needed in test', (f) => f.includes(`–${i + 1}`) && !f.includes('why?'));
    }
    await tui.waitFor('All steps resolved — press S to sign off');
    await tui.pressUntil('S', 'your name');
    expect(tui.frame()).toContain('alice');
    await tui.answer('', 'statement');
    await tui.answer('', 'SIGNED by alice');
    const signed = h.store.entries(session.id).at(-1)!;
    expect(signed.type).toBe('session.signed');
    expect(signed.data.signer).toBe('alice');
    expect(tui.frame()).toContain(signed.hash);
    expect(tui.frame()).toContain('/mem/sessions/');
    expect(session.state.status).toBe('signed');
  });

  it("a sign-off by a key that is neither this machine's nor trusted says so in the header", async () => {
    const h = harness();
    // This WARDEN_HOME knows no key: the journal's signature proves only that its holder signed.
    h.deps.ports.knownKeys = async () => ({ trusted: new Set(), given: new Set() });
    const { tui } = await open(h);
    for (let i = 0; i < 6; i++) {
      await tui.pressUntil('s', 'why?');
      // The header counts the skip as the journal takes it; the prompt closes just after.
      await tui.answer('not needed in test', (f) => f.includes(`–${i + 1}`) && !f.includes('why?'));
    }
    await tui.pressUntil('S', 'your name');
    await tui.answer('', 'statement');
    const f = await tui.answer('', 'SIGNED by an unknown key (signer: alice)');
    expect(f).not.toMatch(/SIGNED by alice/);
  });
});
