import { formatPercent, formatPosition, formatUptime } from './health-format';

describe('formatUptime', () => {
  it.each([
    [0, '0 s'],
    [59.9, '59 s'],
    [61, '1 min 1 s'],
    [3_600 * 2 + 60 * 5 + 7, '2 h 5 min'],
    [86_400 * 3 + 3_600 * 4, '3 d 4 h'],
  ])('formats %p seconds as %p', (input, expected) => {
    expect(formatUptime(input)).toBe(expected);
  });

  it('does not invent a duration for invalid input', () => {
    expect(formatUptime(-1)).toBe('—');
    expect(formatUptime(Number.NaN)).toBe('—');
  });
});

describe('formatPosition', () => {
  it('groups digits without losing precision beyond 2^53', () => {
    expect(formatPosition('9007199254740993')).toBe('9,007,199,254,740,993');
  });

  it('shows an unparsable value unchanged', () => {
    expect(formatPosition('n/a')).toBe('n/a');
  });
});

describe('formatPercent', () => {
  it('floors so 100 % only appears when done', () => {
    expect(formatPercent(0.999)).toBe('99 %');
    expect(formatPercent(1)).toBe('100 %');
  });

  it('clamps out-of-range values', () => {
    expect(formatPercent(-0.2)).toBe('0 %');
    expect(formatPercent(1.5)).toBe('100 %');
  });
});
