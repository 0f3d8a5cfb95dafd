import {
  compareDecimals,
  formatCompactMoney,
  formatEstimate,
  formatMoney,
  formatPerMillion,
  formatSignedMoney,
  perMillion,
  perToken,
  sumDecimals,
} from './money';

describe('money', () => {
  it('sums decimal strings exactly (no float drift)', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floats.
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['12.345678', null, undefined, '0.000001'])).toBe('12.345679');
    expect(sumDecimals([])).toBe('0');
  });

  it('compares decimal strings by value, not as text', () => {
    expect(compareDecimals('10', '9')).toBe(1);
    expect(compareDecimals('0.5', '0.50')).toBe(0);
    expect(['2', '10', '1.5'].sort(compareDecimals)).toEqual(['1.5', '2', '10']);
  });

  it('formats with the currency, keeping tiny amounts distinguishable from zero', () => {
    expect(formatMoney('1234.5', 'USD')).toBe('$1,234.50');
    expect(formatMoney('0', 'USD')).toBe('$0.00');
    expect(formatMoney('0.00075', 'USD')).toBe('$0.00075');
    expect(formatMoney('-3.2', 'USD')).toBe('-$3.20');
    expect(formatMoney(null)).toBe('—');
    expect(formatMoney('not a number')).toBe('—');
  });

  it('signs differences', () => {
    expect(formatSignedMoney('1.2')).toBe('+$1.20');
    expect(formatSignedMoney('-1.2')).toBe('-$1.20');
    expect(formatSignedMoney('0')).toBe('$0.00');
  });

  it('shortens amounts for dense grids', () => {
    expect(formatCompactMoney('1.234')).toBe('$1.23');
    expect(formatCompactMoney('1234')).toBe('$1.23K');
    expect(formatCompactMoney('0.004')).toBe('<$0.01');
  });

  it('converts per-token prices to and from per-million exactly', () => {
    expect(perMillion('0.00000015')).toBe('0.15');
    expect(perToken('0.15')).toBe('0.00000015');
    expect(perToken('2.5')).toBe('0.0000025');
    expect(perToken('abc')).toBeNull();
    expect(formatPerMillion('0.00000015')).toBe('$0.15 / 1M');
    expect(formatPerMillion(undefined)).toBe('—');
  });
});

describe('estimates', () => {
  it('never show unpriced usage as $0', () => {
    expect(formatEstimate('0', 2)).toBe('no price');
    expect(formatEstimate(null, 1)).toBe('no price');
    expect(formatEstimate('12.5', 1)).toBe('≥ $12.50');
    expect(formatEstimate('12.5', 0)).toBe('$12.50');
    expect(formatEstimate('0', 0)).toBe('$0.00');
  });
});
