import { describe, expect, it } from 'vitest';
import { ByteMeter } from '../../src/actions/progress.js';
import type { Progress } from '../../src/engine/executors.js';

describe('ByteMeter', () => {
  it('reports at most every 250 ms while running, and the whole part once it ends', () => {
    let t = 1_000;
    const seen: Progress[] = [];
    const m = new ByteMeter({ onProgress: (p) => seen.push(p) }, 'read a.tar.gz', () => t);
    for (let i = 0; i < 40; i++) {
      t += 50;
      m.add(1 << 20);
    }
    const running = seen.length;
    // 2 s of adds, 50 ms apart: one report per 250 ms at most, none of them final.
    expect(running).toBeGreaterThanOrEqual(7);
    expect(running).toBeLessThanOrEqual(9);
    expect(seen.every((p) => p.seconds === undefined)).toBe(true);
    m.flush();
    const last = seen[seen.length - 1];
    expect(last).toEqual({ label: 'read a.tar.gz', bytes: 40 << 20, seconds: 2, rate: 20 << 20 });
  });
});
