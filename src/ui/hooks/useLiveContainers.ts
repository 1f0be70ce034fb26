/**
 * The engine's containers (id and name), read in the background to tell whether recorded verdicts
 * still describe them. Undefined while reading or when the engine cannot be reached: then no
 * verdict is called stale.
 */
import { useCallback, useEffect, useState } from 'react';
import type { LiveContainer } from '../../engine/staleness.js';
import { useDeps } from './useDeps.js';

export function useLiveContainers(): {
  live: LiveContainer[] | undefined;
  refresh(): void;
} {
  const { ports } = useDeps();
  const [live, setLive] = useState<LiveContainer[] | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    ports.containers().then(
      (rows) => current && setLive(rows.map((r) => ({ id: r.id, name: r.name }))),
      () => current && setLive(undefined),
    );
    return () => {
      current = false;
    };
  }, [ports, generation]);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  return { live, refresh };
}
