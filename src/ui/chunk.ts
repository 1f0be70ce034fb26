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

/** Actions that open a text field: what is typed after them goes into that field. */
const OPENS_FIELD: ReadonlySet<Action> = new Set<Action>(['filter']);
export function opensField(action: Action): boolean {
  return OPENS_FIELD.has(action);
}
/** The contexts of such a field (the list's filter, the picker's filter). */
export const FIELD_CONTEXTS: ReadonlySet<KeyContext> = new Set<KeyContext>([
  'listFilter',
  'filter',
]);

/**
 * The presses of one Ink input event that act as keys, and the text typed after a key that opens
 * a field (`/`): `/web` typed fast, or over a slow ssh link, arrives as one chunk, and `web` is
 * meant for the filter, not for the list's keys. Only a filter opens a field this way: its text
 * changes what is shown, never what is done; a prompt that records an answer is never typed into
 * by keys sent before it was on screen.
 */
export function splitChunk(
  context: KeyContext,
  input: string,
  key: Key,
): { presses: KeyPress[]; text: string } {
  const presses = splitKeys(input, key);
  const at = presses.findIndex((p) => {
    const action = actionFor(context, p.input, p.key);
    return action !== undefined && opensField(action);
  });
  if (at < 0 || at === presses.length - 1) return { presses, text: '' };
  // splitKeys made one press per character, so the text is the characters after the key.
  return { presses: presses.slice(0, at + 1), text: [...input].slice(at + 1).join('') };
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
