/**
 * `useInput` that hears only while its component has the focus *on screen*. Ink attaches and
 * detaches the listener in a passive effect, after the commit: a key that arrives in between (an
 * operator's `Enter d` in one breath) would reach both the field that just lost the focus and the
 * screen that just took it. The focus is read from a ref set in a layout effect instead, the same
 * moment useKeys reads its context.
 */
import { useInput, type Key } from 'ink';
import { useLayoutEffect, useRef } from 'react';

export function useFocusedInput(
  handler: (input: string, key: Key) => void,
  isFocused: boolean,
): void {
  const focused = useRef(isFocused);
  useLayoutEffect(() => {
    focused.current = isFocused;
    // Unmounted (a filter line closing): deaf at once, before Ink's own cleanup runs.
    return () => {
      focused.current = false;
    };
  });
  useInput(
    (input, key) => {
      if (focused.current) handler(input, key);
    },
    { isActive: isFocused },
  );
}
