/** The engine reads event times as `seconds.nanoseconds`: fractions must carry nine digits. */
import { describe, expect, it } from 'vitest';
import { timestamp } from '../../src/adapters/docker/control.js';

describe('event query timestamps', () => {
  it('writes whole seconds as they are and fractions with nine digits', () => {
    expect(timestamp(1796227703)).toBe('1796227703');
    expect(timestamp(1796227703.5)).toBe('1796227703.500000000');
    expect(timestamp(1796227703.001)).toBe('1796227703.001000000');
  });
});
