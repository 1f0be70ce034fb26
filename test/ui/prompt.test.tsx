import { afterEach, describe, expect, it, vi } from 'vitest';
import { TextPrompt } from '../../src/ui/components/TextPrompt.js';
import { bindingsFor } from '../../src/ui/keymap.js';
import { harness, incidentRunbook, loaded } from '../fakes/app.js';
import { KEYS, renderTui, type Tui } from '../helpers/ink.js';
import { renderApp } from './render.js';

let tui: Tui | undefined;
afterEach(() => tui?.unmount());

const CTRL_U = '\u0015';
const CTRL_W = '\u0017';
const LEFT = '\u001B[D';

async function prompt(initial: string) {
  const onSubmit = vi.fn<(v: string) => void>();
  const onCancel = vi.fn<() => void>();
  tui = await renderTui(
    <TextPrompt
      label="Sign off: your name"
      initial={initial}
      width={60}
      isFocused
      onSubmit={onSubmit}
      onCancel={onCancel}
    />,
  );
  await tui.waitFor(`› ${initial}`);
  const t = tui;
  /** Types `text`, then Enter; waits for the submit. */
  const submit = async (text: string) => {
    if (text) await t.pressUntil(text, text);
    t.stdin.write(KEYS.enter);
    await t.waitFor(() => onSubmit.mock.calls.length > 0);
  };
  /** ← only moves the (inverse) cursor: wait for a new raw frame. */
  const left = async () => {
    const n = t.frames.length;
    t.stdin.write(LEFT);
    await t.waitFor(() => t.frames.length > n);
  };
  return { tui: t, onSubmit, onCancel, submit, left };
}

describe('text prompt editing keys', () => {
  it('Ctrl-U clears a prefilled field and never types a "u"', async () => {
    const { tui, onSubmit, submit } = await prompt('root');
    await tui.pressUntil(CTRL_U, /^›\s*$/m);
    await submit('Jane Responder');
    expect(onSubmit).toHaveBeenCalledWith('Jane Responder');
  });

  it('Ctrl-U clears after the cursor moved, and inside a chunk of text (tmux, a paste)', async () => {
    const { tui, onSubmit, left } = await prompt('root');
    await left();
    await tui.pressUntil(CTRL_U, /^›\s*$/m);
    await tui.pressUntil('x', '› x');
    tui.stdin.write(`${CTRL_U}Jane Responder\r`);
    await tui.waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('Jane Responder');
  });

  it('Ctrl-W deletes the word before the cursor; ←, typing and Backspace edit at the cursor', async () => {
    const { tui, onSubmit, submit, left } = await prompt('Jane Q Responder');
    await tui.pressUntil(CTRL_W, /^› Jane Q\s*$/m);
    await tui.pressUntil(CTRL_W, /^› Jane\s*$/m);
    // Like readline, the space before the deleted word stays: "Jane ".
    for (let i = 0; i < 3; i++) await left();
    await tui.pressUntil('y', '› Jayne');
    await tui.pressUntil(KEYS.backspace, '› Jane');
    await submit('');
    expect(onSubmit).toHaveBeenCalledWith('Jane ');
  });

  it('Esc cancels; the help lists Ctrl-U and Ctrl-W for prompts', async () => {
    const { tui, onCancel, onSubmit } = await prompt('root');
    tui.stdin.write(KEYS.escape);
    await tui.waitFor(() => onCancel.mock.calls.length > 0);
    expect(onSubmit).not.toHaveBeenCalled();
    const keys = bindingsFor('prompt').map((b) => b.keys);
    expect(keys).toEqual(expect.arrayContaining(['Ctrl-U', 'Ctrl-W']));
  });
});

describe('sign-off name', () => {
  it('Ctrl-U clears the prefilled OS user: the journal records only the typed name', async () => {
    const h = harness();
    const r = await renderApp(h, { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} });
    tui = r.tui;
    await tui.waitFor('Confirm the alert');
    const session = r.holder.current!;
    // Each skip moves the cursor on to the next open step.
    for (let i = 0; i < 6; i++) {
      await tui.pressUntil('s', 'why?');
      // The header counts the skip as the journal takes it; the prompt closes just after.
      await tui.answer('not needed in test', (f) => f.includes(`–${i + 1}`) && !f.includes('why?'));
    }
    await tui.pressUntil('S', 'your name');
    expect(tui.frame()).toMatch(/^› alice/m);
    expect(tui.frame()).toContain('Ctrl-U clear');
    await tui.pressUntil(CTRL_U, /^›\s*$/m);
    await tui.answer('Jane Responder', 'statement');
    await tui.answer('', 'SIGNED by Jane Responder');
    const signed = h.store.entries(session.id).at(-1)!;
    expect(signed.type).toBe('session.signed');
    expect(signed.data.signer).toBe('Jane Responder');
  });
});
