/** Terminal size from Ink's stdout, re-rendering on resize. Defaults to 80×24 when unknown. */
import { useStdout } from 'ink';
import { useCallback, useSyncExternalStore } from 'react';

export interface TermSize {
  columns: number;
  rows: number;
}

export function useTermSize(): TermSize {
  const { stdout } = useStdout();
  const subscribe = useCallback(
    (onChange: () => void) => {
      stdout.on('resize', onChange);
      return () => {
        stdout.off('resize', onChange);
      };
    },
    [stdout],
  );
  const columns = useSyncExternalStore(subscribe, () => stdout.columns || 80);
  const rows = useSyncExternalStore(subscribe, () => stdout.rows || 24);
  return { columns, rows };
}
