/**
 * Key input (keyInput.ts) for screens that act on keymap actions, robust to several keys in one chunk.
 *
 * Ink emits the keys of one chunk back to back, before React renders, so a plain handler sees
 * every key with the state of before the chunk: `Down Down Enter` would open the first item.
 * Here presses go into a queue; each one is applied only after React committed the previous one
 * (a `turn` counter is bumped with every press, and the next press is taken in the effect of
 * that commit), and the handler is read from a ref set in a layout effect, so it always sees the
 * screen as it now is. Once the screen loses focus or changes context (a key opened a prompt,
 * left the screen), the rest of the queue is dropped: a key never lands in a prompt that was not
 * on screen when it was sent. Which presses of a chunk act at all: see chunk.ts.
 */
import type { Key } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { keyName, planChunk, splitKeys, unknownPresses, type Planned } from '../chunk.js';
import type { KeyContext } from '../keymap.js';
import { useKeyInput } from './keyInput.js';

export interface KeyOptions {
  isActive: boolean;
  /** A key with no binding in the context was pressed (named as in a hint: `x`, `Ctrl-X`). */
  onUnknown?(key: string): void;
}

export function useKeys(
  context: KeyContext,
  onAction: (p: Planned) => void,
  { isActive, onUnknown }: KeyOptions,
): void {
  const latest = useRef({ context, onAction, isActive, onUnknown });
  useLayoutEffect(() => {
    latest.current = { context, onAction, isActive, onUnknown };
  });
  const queue = useRef<(Planned & { context: KeyContext })[]>([]);
  const draining = useRef(false);
  const [turn, setTurn] = useState(0);

  const drain = useCallback(() => {
    const p = queue.current.shift();
    const now = latest.current;
    if (!p || !now.isActive || now.context !== p.context) {
      queue.current = [];
      draining.current = false;
      return;
    }
    now.onAction(p);
    // Rendered together with what the press changed; the effect below takes the next one.
    setTurn((t) => t + 1);
  }, []);

  useEffect(() => {
    if (turn > 0 && draining.current) drain();
  }, [turn, drain]);

  const handle = useCallback(
    (input: string, key: Key) => {
      const { context, onUnknown: unknown } = latest.current;
      const presses = splitKeys(input, key);
      const [stray] = unknownPresses(context, presses);
      if (stray && unknown) unknown(keyName(stray));
      for (const p of planChunk(context, presses)) queue.current.push({ ...p, context });
      if (!draining.current && queue.current.length > 0) {
        draining.current = true;
        drain();
      }
    },
    [drain],
  );

  useKeyInput(handle, isActive);
}
