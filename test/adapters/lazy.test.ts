/** A port loaded on its first call: nothing is imported before, every call waits for the load. */
import { describe, expect, it } from 'vitest';
import { lazyPort } from '../../src/adapters/lazy.js';

interface Port {
  add(a: number, b: number): Promise<number>;
}

describe('lazyPort', () => {
  it('loads once, on the first call, and forwards every call', async () => {
    let loads = 0;
    const port = lazyPort<Port>(async () => {
      loads++;
      return { add: async (a, b) => a + b };
    });
    expect(loads).toBe(0);
    expect(await Promise.all([port.add(1, 2), port.add(3, 4)])).toEqual([3, 7]);
    expect(loads).toBe(1);
  });

  it('is not a thenable, and a missing method is a rejected call', async () => {
    const port = lazyPort<Port & { gone(): Promise<void> }>(
      async () =>
        ({
          add: async (a: number, b: number) => a + b,
        }) as unknown as Port & { gone(): Promise<void> },
    );
    expect(await Promise.resolve(port)).toBe(port);
    await expect(port.gone()).rejects.toThrow(/no method gone/);
  });

  it('an optional method known to be absent reads as absent before the load, as on the port', async () => {
    let loads = 0;
    const port = lazyPort<Port & { local?(): Promise<string> }>(
      async () => {
        loads++;
        return { add: async (a: number, b: number) => a + b };
      },
      () => ['local'],
    );
    expect(port.local).toBeUndefined();
    expect(loads).toBe(0);
    expect(await port.add(1, 1)).toBe(2);
  });
});
