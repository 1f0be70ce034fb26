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
 * The one exception is the filter (a field whose text changes what is shown, never what is done):
 * what is typed after `/`, in its chunk or before the field is on screen, is kept and handed to
 * the field in the commit that shows it, in the order typed.
 */
import type { Key } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  FIELD_CONTEXTS,
  keyName,
  NO_KEY,
  opensField,
  planChunk,
  splitChunk,
  unknownPresses,
  type Planned,
} from '../chunk.js';
import type { KeyContext } from '../keymap.js';
import { useKeyDelivery, useKeyInput } from './keyInput.js';

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
  const queue = useRef<(Planned & { context: KeyContext; opens?: boolean })[]>([]);
  const draining = useRef(false);
  const [turn, setTurn] = useState(0);
  const deliver = useKeyDelivery();
  // From a press that opens a field (`/`) until the commit that shows the field: what was typed
  // after that press, kept for the field; `opened` once the press was applied.
  const held = useRef<{ keys: { input: string; key: Key }[]; opened: boolean } | undefined>(
    undefined,
  );

  const drain = useCallback(() => {
    const p = queue.current.shift();
    const now = latest.current;
    if (!p || !now.isActive || now.context !== p.context) {
      queue.current = [];
      draining.current = false;
      // The field they were typed for never opened: they are dropped with the rest.
      if (held.current && !held.current.opened) held.current = undefined;
      return;
    }
    now.onAction(p);
    if (p.opens && held.current) held.current.opened = true;
    // Rendered together with what the press changed; the effect below takes the next one.
    setTurn((t) => t + 1);
  }, []);

  // In the commit that shows the field (its handler is subscribed by then: children's layout
  // effects run first), before any later key: the keys land in the field in the order typed.
  useLayoutEffect(() => {
    const h = held.current;
    if (!h?.opened) return;
    held.current = undefined;
    const now = latest.current;
    if (!now.isActive || !FIELD_CONTEXTS.has(now.context)) return;
    for (const k of h.keys) deliver(k.input, k.key);
  }, [turn, deliver]);

  useEffect(() => {
    if (turn > 0 && draining.current) drain();
  }, [turn, drain]);

  const handle = useCallback(
    (input: string, key: Key) => {
      if (held.current) {
        held.current.keys.push({ input, key });
        return;
      }
      const { context, onUnknown: unknown } = latest.current;
      const { presses, text } = splitChunk(context, input, key);
      const [stray] = unknownPresses(context, presses);
      if (stray && unknown) unknown(keyName(stray));
      const planned = planChunk(context, presses);
      for (const p of planned) queue.current.push({ ...p, context });
      const last = queue.current.at(-1);
      // The key that opens a field is its chunk's last press (see splitChunk).
      if (last && planned.length > 0 && opensField(last.action)) {
        last.opens = true;
        held.current = { keys: text ? [{ input: text, key: NO_KEY }] : [], opened: false };
      }
      if (!draining.current && queue.current.length > 0) {
        draining.current = true;
        drain();
      }
    },
    [drain],
  );

  useKeyInput(handle, isActive);
}
