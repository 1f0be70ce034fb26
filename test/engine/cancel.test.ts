/**
 * untilCancelled: a long stream passes through without being kept, and a cancel ends a stalled
 * one at once.
 */
import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CancelledError } from '../../src/errors.js';
import { untilCancelled } from '../../src/engine/cancel.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('untilCancelled', () => {
  it('keeps no chunk it has handed on (a 200 MiB stream never holds more than a few chunks)', async () => {
    const MiB = 1 << 20;
    async function* source() {
      for (let i = 0; i < 200; i++) yield Buffer.alloc(MiB, i);
    }
    const ac = new AbortController();
    gc();
    const base = process.memoryUsage().arrayBuffers;
    let seen = 0;
    let peak = 0;
    for await (const chunk of untilCancelled(source(), ac.signal)) {
      seen += chunk.length;
      if (seen % (50 * MiB) === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      }
    }
    expect(seen).toBe(200 * MiB);
    // Racing each chunk against one long-lived promise kept every one of them: 200 MiB at the end.
    expect(peak).toBeLessThan(64 * MiB);
  });

  it('throws CancelledError at once when the signal aborts while the source waits', async () => {
    let closed = false;
    const stalled: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>(() => undefined),
        return: async () => {
          closed = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const ac = new AbortController();
    const run = (async () => {
      for await (const _ of untilCancelled(stalled, ac.signal)) void _;
    })();
    ac.abort();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(closed).toBe(true);
  });
});
