/**
 * Now, for clocks on screen (a running step's elapsed time): ticks every second while `live` and
 * the UI animates (stdout is a terminal); otherwise the time of the render.
 */
import { useEffect, useState } from 'react';
import { useDeps } from './useDeps.js';

export function useNow(live: boolean): number {
  const { animate, now } = useDeps();
  const ticking = animate && live;
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!ticking) return;
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [ticking]);
  void tick;
  return (now ?? Date.now)();
}
