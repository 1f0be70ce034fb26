/** A spinner frame that advances only when animating (stdout is a TTY) and something runs. */
import { useEffect, useState } from 'react';
import { SPINNER } from '../theme.js';

export function useSpinner(active: boolean): string {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setFrame((f) => (f + 1) % SPINNER.length), 120);
    return () => clearInterval(t);
  }, [active]);
  return active ? (SPINNER[frame] ?? '▶') : '▶';
}
