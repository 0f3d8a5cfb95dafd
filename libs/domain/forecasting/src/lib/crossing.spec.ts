import Decimal from 'decimal.js';
import { projectedCrossing } from './crossing';
import { dayNumber, dayText, weekdayOf } from './days';
import { forecastMonth } from './forecast';
import { seededRandom } from './random';
import { DailyCost } from './series';

const WEEK = [2, 10, 12, 11, 10, 8, 1.5];

function generate(first: string, until: string, cost: (day: number) => number): DailyCost[] {
  const days: DailyCost[] = [];
  for (let day = dayNumber(first); day < dayNumber(until); day++) days.push({ day: dayText(day), cost: cost(day).toFixed(4) });
  return days;
}

describe('projectedCrossing', () => {
  const periodic = forecastMonth({ days: generate('2025-11-01', '2026-03-11', (d) => WEEK[weekdayOf(d)]), month: '2026-03', today: '2026-03-11' });
  const cumulative = (through: string) => {
    let sum = 0;
    for (let day = dayNumber('2026-03-01'); day <= dayNumber(through); day++) sum += WEEK[weekdayOf(day)];
    return sum;
  };

  it('finds the day a predictable series will reach the budget, on every curve', () => {
    // Half a cent below the total through the 20th: the 20th is the first day at or above it.
    const budget = (cumulative('2026-03-20') - 0.005).toFixed(3);
    expect(projectedCrossing(periodic, budget)).toEqual({
      budget,
      actual: null,
      median: '2026-03-20',
      upper80: '2026-03-20',
      upper95: '2026-03-20',
    });
  });

  it('reports the actual day once the month-to-date total has passed the budget', () => {
    const budget = new Decimal(cumulative('2026-03-04'));
    expect(projectedCrossing(periodic, budget)).toEqual({
      budget: budget.toFixed(),
      actual: '2026-03-04',
      median: '2026-03-04',
      upper80: '2026-03-04',
      upper95: '2026-03-04',
    });
  });

  it('returns null for curves that stay below the budget this month', () => {
    expect(projectedCrossing(periodic, '100000')).toEqual({ budget: '100000', actual: null, median: null, upper80: null, upper95: null });
  });

  it('warns earliest on the upper 95% bound, then the upper 80% bound, then the median', () => {
    const random = seededRandom(9);
    const noisy = forecastMonth({
      days: generate('2025-12-01', '2026-03-08', (d) => WEEK[weekdayOf(d)] * Math.exp(0.6 * (random() - 0.5))),
      month: '2026-03',
      today: '2026-03-08',
    });
    const budget = new Decimal(noisy.point).times(0.8);
    const crossing = projectedCrossing(noisy, budget);
    expect(crossing.actual).toBeNull();
    expect(crossing.median).not.toBeNull();
    const order = [crossing.upper95, crossing.upper80, crossing.median].map((d) => dayNumber(d as string));
    expect(order[0]).toBeLessThanOrEqual(order[1]);
    expect(order[1]).toBeLessThanOrEqual(order[2]);
    expect(order[0]).toBeLessThan(order[2]);
  });

  it('rejects a budget that is not a positive amount', () => {
    expect(() => projectedCrossing(periodic, '0')).toThrow('positive');
    expect(() => projectedCrossing(periodic, 'ten')).toThrow('not decimal text');
  });
});
