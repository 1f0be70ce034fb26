/**
 * Rendering helpers for Ink UI tests: the tree is rendered inside the app's KeyInputProvider, as
 * bin/warden.js renders it, so a key written the moment a frame shows is heard; press keys and
 * wait until the frame changes or shows what we expect (bounded polling, no fixed sleeps), ANSI
 * stripped.
 */
import { render } from 'ink-testing-library';
import { createElement, type ReactElement } from 'react';
import { KeyInputProvider } from '../../src/ui/hooks/keyInput.js';

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  ctrlC: '\u0003',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  backspace: '\u007F',
} as const;

const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]|\u001B\][^\u0007]*\u0007/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

const tick = () => new Promise((r) => setImmediate(r));

export interface Tui {
  frame(): string;
  /** Writes a key (or text) and waits until the frame changes. */
  press(key: string): Promise<string>;
  /** Writes a key and waits until the frame contains `text` (or matches). */
  pressUntil(
    key: string,
    expected: string | RegExp | ((frame: string) => boolean),
  ): Promise<string>;
  /** Types text into a prompt, then Enter; waits until `expected` shows. */
  answer(text: string, expected: string | RegExp | ((frame: string) => boolean)): Promise<string>;
  waitFor(
    expected: string | RegExp | ((frame: string) => boolean),
    timeoutMs?: number,
  ): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  unmount(): void;
  frames: string[];
  stdin: { write(data: string): void };
}

export async function renderTui(
  tree: ReactElement,
  size: { columns?: number; rows?: number } = {},
): Promise<Tui> {
  const inst = render(createElement(KeyInputProvider, null, tree));
  const define = (columns: number, rows: number) => {
    Object.defineProperty(inst.stdout, 'columns', { configurable: true, get: () => columns });
    Object.defineProperty(inst.stdout, 'rows', { configurable: true, get: () => rows });
  };
  define(size.columns ?? 80, size.rows ?? 24);
  inst.stdout.emit('resize');
  await tick();
  await tick();
  const frame = () => stripAnsi(inst.lastFrame() ?? '');
  const waitFor: Tui['waitFor'] = async (expected, timeoutMs = 3000) => {
    const ok = (f: string) =>
      typeof expected === 'function'
        ? expected(f)
        : typeof expected === 'string'
          ? f.includes(expected)
          : expected.test(f);
    const deadline = Date.now() + timeoutMs;
    // Keys written just before arrive as one read; a later key is a later read (one more turn of
    // the event loop, as a terminal delivers it). Nothing else waits after the frame shows:
    // a key written the moment it does must be heard (keyInput.tsx).
    await tick();
    while (!ok(frame())) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${String(expected)}; last frame:\n${frame()}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return frame();
  };
  const press = async (key: string) => {
    const before = frame();
    inst.stdin.write(key);
    return waitFor((f) => f !== before);
  };
  const pressUntil: Tui['pressUntil'] = async (key, expected) => {
    inst.stdin.write(key);
    return waitFor(expected);
  };
  const answer: Tui['answer'] = async (text, expected) => {
    inst.stdin.write(text);
    if (text) await waitFor((f) => f.includes(text.slice(-Math.min(text.length, 10))));
    inst.stdin.write(KEYS.enter);
    return waitFor(expected);
  };
  return {
    frame,
    press,
    pressUntil,
    answer,
    waitFor,
    async resize(columns, rows) {
      define(columns, rows);
      const before = frame();
      inst.stdout.emit('resize');
      await waitFor((f) => f !== before).catch(() => undefined);
    },
    unmount: () => inst.unmount(),
    frames: inst.frames,
    stdin: inst.stdin,
  };
}

/**
 * The frame shows `text` and no prompt is open any more. A prompt's answer is journaled before
 * the prompt closes, so the list can show its effect a render earlier: a key pressed in that
 * frame still goes to the prompt (an operator sees the field still open there too).
 */
export function closed(text: string): (frame: string) => boolean {
  // The prompt's key hints: its question may wrap anywhere, this line starts the footer.
  return (f) => f.includes(text) && !f.includes('Enter submit');
}

/** Number of rows a frame occupies. */
export function height(frame: string): number {
  return frame.split('\n').length;
}

export function width(frame: string): number {
  return Math.max(...frame.split('\n').map((l) => [...l].length));
}
