import { describe, expect, it } from 'vitest';
import { STATUS_MARK, tone } from '../../src/ui/theme.js';

describe('theme', () => {
  it('NO_COLOR turns colours off; marks stay distinct', () => {
    expect(tone('danger', {})).toBe('red');
    expect(tone('danger', { NO_COLOR: '1' })).toBeUndefined();
    const marks = Object.values(STATUS_MARK).map((m) => m.mark);
    expect(new Set(marks).size).toBe(marks.length);
  });
});
