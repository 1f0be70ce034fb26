/**
 * One stdin chunk can hold several key presses: tmux `send-keys j j Enter` writes `jj\r`, a fast
 * typist or a held arrow key over ssh arrives batched. Ink splits escape sequences into separate
 * events but hands a run of plain characters over as one `input` string. This splits such a string
 * into single key presses, and decides which of them may act. Pure.
 */
import type { Key } from 'ink';
import { REPEATABLE, actionFor, type Action, type KeyContext } from './keymap.js';

export interface KeyPress {
  input: string;
  key: Key;
}

export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The key press Ink would report for one character typed on its own. */
export function keyOfChar(ch: string): KeyPress {
  const key: Key = { ...NO_KEY };
  if (ch === '\r' || ch === '\n') return { input: '', key: { ...key, return: true } };
  if (ch === '\t') return { input: '', key: { ...key, tab: true } };
  if (ch === '\u007F' || ch === '\b') return { input: '', key: { ...key, backspace: true } };
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 1 && code <= 26) {
    return { input: String.fromCharCode(code + 96), key: { ...key, ctrl: true } };
  }
  if (/^[A-Z]$/.test(ch)) key.shift = true;
  return { input: ch, key };
}

/**
 * The key presses in one Ink input event. An escape sequence (arrow, PgDn, Esc) is already one
 * event; a string of plain characters becomes one press per character.
 */
export function splitKeys(input: string, key: Key): KeyPress[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return [{ input, key }];
  return chars.map(keyOfChar);
}

export interface Planned {
  action: Action;
  key: Key;
  input: string;
  /** Consecutive presses of the same navigation key, applied as one step of that many. */
  times: number;
}

/**
 * Which presses of a chunk act, in order. A chunk of navigation keys plus at most one other key
 * (`j j Enter`, `↓ d`) is a sequence of presses: all of them act. A chunk with two or more other
 * keys (a held `d`, `Enter Enter`, text pasted outside a prompt) is not trusted and nothing in it
 * acts: a key that writes to the journal or starts a step never acts twice, or by accident.
 * Keys with no binding in the context are ignored.
 */
export function planChunk(context: KeyContext, presses: readonly KeyPress[]): Planned[] {
  const mapped = presses
    .map((p) => ({ ...p, action: actionFor(context, p.input, p.key) }))
    .filter((p): p is KeyPress & { action: Action } => p.action !== undefined);
  const others = mapped.filter((p) => !REPEATABLE.has(p.action));
  if (others.length > 1) return [];
  const out: Planned[] = [];
  for (const p of mapped) {
    const prev = out.at(-1);
    if (prev && REPEATABLE.has(p.action) && prev.action === p.action) prev.times++;
    else out.push({ action: p.action, key: p.key, input: p.input, times: 1 });
  }
  return out;
}

/** How a key press is named in a hint: `x`, `Enter`, `Ctrl-X`. */
export function keyName({ input, key }: KeyPress): string {
  if (key.return) return 'Enter';
  if (key.tab) return 'Tab';
  if (key.escape) return 'Esc';
  if (key.backspace || key.delete) return 'Backspace';
  if (key.leftArrow) return '←';
  if (key.rightArrow) return '→';
  if (key.ctrl) return `Ctrl-${input.toUpperCase()}`;
  return input;
}

/** The presses of a chunk that mean nothing in `context` (a real key, not an empty event). */
export function unknownPresses(context: KeyContext, presses: readonly KeyPress[]): KeyPress[] {
  return presses.filter(
    (p) => actionFor(context, p.input, p.key) === undefined && keyName(p) !== '',
  );
}
