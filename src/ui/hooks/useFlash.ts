/** A message shown for a moment (e.g. "? for help" after an unknown key), then gone. */
import { useCallback, useEffect, useRef, useState } from 'react';

export const FLASH_MS = 1500;

export function useFlash(ms = FLASH_MS): [string | undefined, (text: string) => void] {
  const [text, setText] = useState<string | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const show = useCallback(
    (t: string) => {
      if (timer.current) clearTimeout(timer.current);
      setText(t);
      timer.current = setTimeout(() => setText(undefined), ms);
    },
    [ms],
  );
  useEffect(() => () => timer.current && clearTimeout(timer.current), []);
  return [text, show];
}

/** The footer's words for a key that does nothing here. */
export function unknownKeyText(key: string): string {
  return `${key}: no such key here — ? for help`;
}
