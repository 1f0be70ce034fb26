import { afterEach, describe, expect, it } from 'vitest';
import { NO_KEY, planChunk, splitChunk, splitKeys } from '../../src/ui/chunk.js';
import type { Session } from '../../src/engine/session.js';
import { harness, incidentRunbook, loaded, type Harness } from '../fakes/app.js';
import { KEYS, type Tui, closed } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

const plan = (context: Parameters<typeof planChunk>[0], input: string) =>
  planChunk(context, splitKeys(input, NO_KEY)).map((p) => `${p.action}×${p.times}`);

describe('chunks of several keys', () => {
  it('splits plain characters into presses (Enter, Tab, Backspace, Ctrl)', () => {
    const keys = splitKeys('jJ\r\t\u007F\u0003', NO_KEY);
    expect(keys.map((k) => k.input)).toEqual(['j', 'J', '', '', '', 'c']);
    expect(keys[1]?.key.shift).toBe(true);
    expect(keys[2]?.key.return).toBe(true);
    expect(keys[3]?.key.tab).toBe(true);
    expect(keys[4]?.key.backspace).toBe(true);
    expect(keys[5]?.key.ctrl).toBe(true);
  });

  it('navigation always applies; of the other keys at most one, never a repeated one', () => {
    expect(plan('home', 'jj\r')).toEqual(['down×2', 'open×1']);
    expect(plan('session', 'jjjk')).toEqual(['down×3', 'up×1']);
    expect(plan('session', 'ddd')).toEqual([]);
    expect(plan('session', '\r\r')).toEqual([]);
    expect(plan('session', 'jdx')).toEqual([]);
    expect(plan('session', 'dj')).toEqual(['done×1', 'down×1']);
    expect(plan('session', 'zz')).toEqual([]);
    expect(plan('session', 'd')).toEqual(['done×1']);
  });

  it('what follows `/` in a chunk is text for the filter, not keys', () => {
    const at = (context: Parameters<typeof planChunk>[0], input: string) => {
      const { presses, text } = splitChunk(context, input, NO_KEY);
      return { keys: presses.map((p) => p.input || 'Enter'), text };
    };
    expect(at('audit', 'j/in-env\r')).toEqual({ keys: ['j', '/'], text: 'in-env\r' });
    expect(at('session', '/dd')).toEqual({ keys: ['/'], text: 'dd' });
    expect(at('session', 'dd')).toEqual({ keys: ['d', 'd'], text: '' });
    expect(at('audit', '/')).toEqual({ keys: ['/'], text: '' });
    // In the field itself `/` is a letter; in a prompt nothing opens a field.
    expect(at('listFilter', 'a/b')).toEqual({ keys: ['a', '/', 'b'], text: '' });
    expect(at('prompt', 'x/y')).toEqual({ keys: ['x', '/', 'y'], text: '' });
  });
});

async function open(h: Harness) {
  const r = await renderApp(h, { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} });
  tui = r.tui;
  await r.tui.waitFor('Confirm the alert');
  return { tui: r.tui, session: r.holder.current as Session };
}

describe('chunked keys in the TUI', () => {
  it('home: Down Down Enter in one chunk opens the third item', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Audit the engines');
    await tui.pressUntil(KEYS.down + KEYS.down + KEYS.enter, 'WARDEN Audit');
  });

  it('home: `jj` + Enter as tmux sends it opens the third item', async () => {
    const h = harness();
    ({ tui } = await renderApp(h, { kind: 'home' }));
    await tui.waitFor('Audit the engines');
    await tui.pressUntil('jj\r', 'WARDEN Audit');
  });

  it('session: held ↓ moves once per press; Enter after them runs the step it landed on', async () => {
    const h = harness();
    const { tui } = await open(h);
    await tui.pressUntil(KEYS.down + KEYS.down + KEYS.down + KEYS.up, '›⊘ Isolate the container');
    await tui.pressUntil(KEYS.up + KEYS.enter, 'line two');
    expect(h.shell.calls.map((c) => c.argv.join(' '))).toEqual(['docker inspect web']);
  });

  it('a key that opens a confirmation drops the rest of the chunk: `Enter y` does not confirm', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('jjjj', '›○ Restart the service');
    await tui.pressUntil('\ry', 'Run "restart"? [y/N]');
    // The y of the same chunk was not taken as the answer.
    expect(h.shell.calls).toHaveLength(0);
    expect(session.entries.some((e) => e.type === 'step.started')).toBe(false);
    await tui.pressUntil('y', '✓ Restart the service');
    expect(h.shell.calls).toHaveLength(1);
  });

  it('a typed confirmation stays typed: Enter, the name and Enter in one chunk do nothing', async () => {
    const h = harness();
    const { tui, session } = await open(h);
    await tui.pressUntil('jj', '›⊘ Isolate the container');
    await tui.pressUntil('o', 'override the gate?');
    await tui.answer('inspect kept by hand', closed('›○ Isolate the container'));
    const before = session.entries.length;
    tui.stdin.write('\rweb\r');
    // Nothing acted: no prompt opened, nothing was written, nothing ran. A later key still works.
    await tui.pressUntil('?', 'Keys');
    await tui.pressUntil(KEYS.escape, '›○ Isolate the container');
    expect(tui.frame()).not.toContain('Give a reason');
    expect(session.entries).toHaveLength(before);
    expect(h.actions.ran).toEqual([]);
    await tui.pressUntil(KEYS.enter, 'Give a reason');
    await tui.answer('EDR kept memory', 'Type "web" to confirm');
    // Inside the prompt, text then Enter in one chunk is typing: the name is typed, Enter submits.
    tui.stdin.write('web\r');
    await tui.waitFor('✓ Isolate the container');
    expect(h.actions.ran).toEqual(['isolate:web']);
  });
});
