import Decimal from 'decimal.js';
import fc from 'fast-check';
import { dayNumber, dayText, weekdayOf } from './days';
import { forecastMonth, MonthForecast } from './forecast';
import { seededRandom } from './random';
import { DailyCost } from './series';

/** Daily costs from `first` on, one per value. */
function series(first: string, values: ReadonlyArray<number | string>): DailyCost[] {
  const start = dayNumber(first);
  return values.map((value, i) => ({ day: dayText(start + i), cost: typeof value === 'string' ? value : value.toFixed(4) }));
}

/** A series built day by day from a function of the day number, from `first` to the day before `until`. */
function generate(first: string, until: string, cost: (day: number) => number): DailyCost[] {
  const values: number[] = [];
  for (let day = dayNumber(first); day < dayNumber(until); day++) values.push(cost(day));
  return series(first, values);
}

// Sunday first: quiet weekends, a busy Tuesday.
const WEEK = [2, 10, 12, 11, 10, 8, 1.5];
const weekly = (day: number) => WEEK[weekdayOf(day)];

function expectOrdered(forecast: MonthForecast): void {
  const [l95, l80, point, u80, u95] = [forecast.p95.lower, forecast.p80.lower, forecast.point, forecast.p80.upper, forecast.p95.upper].map(
    (x) => new Decimal(x),
  );
  expect(l95.lte(l80) && l80.lte(point) && point.lte(u80) && u80.lte(u95)).toBe(true);
  expect(l95.gte(forecast.spent)).toBe(true);
}

describe('forecastMonth', () => {
  it('forecasts a perfectly weekly-periodic series to its own total, within a cent and with a collapsed interval', () => {
    const days = generate('2025-11-01', '2026-03-11', weekly);
    const forecast = forecastMonth({ days, month: '2026-03', today: '2026-03-11' });

    let truth = 0;
    for (let day = dayNumber('2026-03-01'); day < dayNumber('2026-04-01'); day++) truth += weekly(day);
    expect(forecast.method).toBe('weekday-holt-bootstrap');
    expect(forecast.confidence).toBe('normal');
    expect(forecast.insufficientHistory).toBe(false);
    expect(Math.abs(Number(forecast.point) - truth)).toBeLessThan(0.01);
    expect(Number(forecast.p95.upper) - Number(forecast.p95.lower)).toBeLessThan(0.01);
    expect(forecast.model?.weekdayFactors.map((f) => Math.round((f * 54.5) / 7 * 100) / 100)).toEqual(WEEK);
  });

  it('flags two days of history as insufficient, with an interval far too wide to be mistaken for a confident number', () => {
    const forecast = forecastMonth({ days: series('2026-03-01', ['10', '12']), month: '2026-03', today: '2026-03-03' });

    expect(forecast).toMatchObject({ method: 'run-rate-wide', confidence: 'insufficient', insufficientHistory: true, historyDays: 2, spent: '22' });
    const remaining = Number(forecast.point) - 22;
    expect(remaining).toBeCloseTo(11 * 29, 4);
    expect(Number(forecast.p80.upper) - 22).toBeGreaterThan(2.5 * remaining);
    expect(Number(forecast.p80.lower) - 22).toBeLessThan(remaining / 2.5);
    expect(Number(forecast.p95.upper) - 22).toBeGreaterThan(5 * remaining);
    expectOrdered(forecast);
  });

  it('models from 14 complete days on, with confidence low until 28', () => {
    const at = (days: number) =>
      forecastMonth({ days: generate(dayText(dayNumber('2026-03-10') - days), '2026-03-10', weekly), month: '2026-03', today: '2026-03-10' });
    expect(at(13)).toMatchObject({ method: 'run-rate-wide', confidence: 'insufficient' });
    expect(at(14)).toMatchObject({ method: 'weekday-holt-bootstrap', confidence: 'low', insufficientHistory: false });
    expect(at(28)).toMatchObject({ method: 'weekday-holt-bootstrap', confidence: 'normal' });
  });

  it('says "no-data" instead of extrapolating when nothing was ever spent', () => {
    const forecast = forecastMonth({ days: series('2026-02-20', [0, 0, 0]), month: '2026-03', today: '2026-03-05' });
    expect(forecast).toMatchObject({ method: 'no-data', insufficientHistory: true, spent: '0', point: '0' });
  });

  it('is deterministic for a seed, and the seed is what varies the bootstrap', () => {
    const random = seededRandom(7);
    const days = generate('2025-12-01', '2026-03-16', (day) => weekly(day) * (0.5 + random()));
    const input = { days, month: '2026-03', today: '2026-03-16' };
    expect(forecastMonth(input, { seed: 42 })).toEqual(forecastMonth(input, { seed: 42 }));
    expect(forecastMonth(input, { seed: 42 }).p95).not.toEqual(forecastMonth(input, { seed: 43 }).p95);
  });

  it('treats absent days as days that cost 0', () => {
    const random = seededRandom(3);
    const dense = generate('2025-12-01', '2026-03-10', (day) => (weekdayOf(day) === 0 ? 0 : weekly(day) * (0.8 + 0.4 * random())));
    const sparse = dense.filter((d) => d.cost !== '0.0000');
    expect(sparse.length).toBeLessThan(dense.length);
    expect(forecastMonth({ days: sparse, month: '2026-03', today: '2026-03-10' })).toEqual(
      forecastMonth({ days: dense, month: '2026-03', today: '2026-03-10' }),
    );
  });

  it('returns the exact actual total for a complete month (Decimal sums, no float drift)', () => {
    const days = series('2026-02-01', Array.from({ length: 28 }, () => '0.1'));
    const forecast = forecastMonth({ days, month: '2026-02', today: '2026-03-01' });
    expect(forecast).toMatchObject({ method: 'actual', point: '2.8', spent: '2.8', p95: { lower: '2.8', upper: '2.8' } });
    expect(forecast.daily).toHaveLength(28);
    expect(forecast.daily[2]).toMatchObject({ day: '2026-02-03', actual: true, median: '0.3' });
  });

  it("counts today's partial cost as spent and never forecasts today below it", () => {
    const days = [...generate('2025-12-01', '2026-03-10', weekly), { day: '2026-03-10', cost: '50' }];
    const forecast = forecastMonth({ days, month: '2026-03', today: '2026-03-10' });
    let before = 0;
    for (let day = dayNumber('2026-03-01'); day < dayNumber('2026-03-10'); day++) before += weekly(day);
    expect(Number(forecast.spent)).toBeCloseTo(before + 50, 8);
    const today = forecast.daily.find((d) => d.day === '2026-03-10');
    expect(today).toMatchObject({ actual: false, median: forecast.spent, p95: { lower: forecast.spent } });
  });

  it('follows a level shift within days instead of treating it as a run of outliers', () => {
    // Flat at 10 a day, then 30 a day for the last 4 days.
    const days = generate('2025-12-01', '2026-03-15', (day) => (day >= dayNumber('2026-03-11') ? 30 : 10));
    const forecast = forecastMonth({ days, month: '2026-03', today: '2026-03-15' });
    const remaining = Number(forecast.point) - Number(forecast.spent);
    expect(remaining / 17).toBeGreaterThan(25);
  });

  it('extrapolates a steady growth (damped) rather than the average of the month', () => {
    const days = generate('2025-12-01', '2026-03-16', (day) => 10 * Math.exp(0.02 * (day - dayNumber('2025-12-01'))));
    const forecast = forecastMonth({ days, month: '2026-03', today: '2026-03-16' });
    let truth = 0;
    for (let day = dayNumber('2026-03-01'); day < dayNumber('2026-04-01'); day++) truth += 10 * Math.exp(0.02 * (day - dayNumber('2025-12-01')));
    const runRate = (Number(forecast.spent) / 15) * 31;
    expect(forecast.model?.beta).toBeGreaterThan(0);
    expect(Math.abs(Number(forecast.point) - truth)).toBeLessThan(Math.abs(runRate - truth) / 2);
  });

  it('uses the intermittent bootstrap for a series that costs nothing on most days', () => {
    const random = seededRandom(11);
    const days = generate('2025-12-01', '2026-03-10', () => (random() < 0.25 ? 100 * random() : 0));
    const forecast = forecastMonth({ days, month: '2026-03', today: '2026-03-10' });
    expect(forecast.method).toBe('intermittent-bootstrap');
    expectOrdered(forecast);
  });

  it('gives every day of the month, with non-decreasing median and bounds', () => {
    const random = seededRandom(5);
    const days = generate('2025-12-01', '2026-03-08', (day) => weekly(day) * (0.5 + random()));
    const forecast = forecastMonth({ days, month: '2026-03', today: '2026-03-08' });
    expect(forecast.daily.map((d) => d.day)).toEqual(Array.from({ length: 31 }, (_, i) => dayText(dayNumber('2026-03-01') + i)));
    expect(forecast.daily.filter((d) => d.actual)).toHaveLength(7);
    expect(forecast.daysComplete).toBe(7);
    for (let i = 1; i < forecast.daily.length; i++) {
      for (const pick of [(d: MonthForecast['daily'][number]) => d.median, (d: MonthForecast['daily'][number]) => d.p95.upper, (d: MonthForecast['daily'][number]) => d.p80.lower]) {
        expect(new Decimal(pick(forecast.daily[i])).gte(pick(forecast.daily[i - 1]))).toBe(true);
      }
    }
    expect(forecast.daily[30]).toMatchObject({ median: forecast.point, p80: forecast.p80, p95: forecast.p95 });
  });

  it('rejects input it cannot interpret', () => {
    const month = '2026-03';
    expect(() => forecastMonth({ days: [{ day: '2026-03-01', cost: '1' }, { day: '2026-03-01', cost: '2' }], month, today: '2026-03-05' })).toThrow(
      'listed twice',
    );
    expect(() => forecastMonth({ days: [{ day: '2026-03-09', cost: '1' }], month, today: '2026-03-05' })).toThrow('after today');
    expect(() => forecastMonth({ days: [{ day: '2026-03-01', cost: '1,5' }], month, today: '2026-03-05' })).toThrow('not decimal text');
    expect(() => forecastMonth({ days: [{ day: '2026-02-30', cost: '1' }], month, today: '2026-03-05' })).toThrow('not a calendar day');
    expect(() => forecastMonth({ days: [], month, today: '2026-04-02' })).toThrow(RangeError);
    expect(() => forecastMonth({ days: [], month: '2026-13', today: '2026-03-05' })).toThrow('not a month');
    expect(() => forecastMonth({ days: [], month, today: '2026-03-05' }, { paths: 0 })).toThrow(RangeError);
  });

  describe('properties', () => {
    const costs = fc.array(
      fc.oneof(
        fc.constant('0'),
        fc.integer({ min: 0, max: 10_000_000 }).map((cents) => (cents / 100).toFixed(2)),
      ),
      { minLength: 0, maxLength: 120 },
    );

    it('never forecasts (or bounds) the month below what was already spent, and keeps p95 ⊇ p80', () => {
      fc.assert(
        fc.property(costs, fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 1000 }), (values, elapsed, seed) => {
          const today = dayText(dayNumber('2026-03-01') + elapsed);
          const days = series(dayText(dayNumber(today) - values.length), values);
          const forecast = forecastMonth({ days, month: '2026-03', today }, { seed, paths: 200 });
          expectOrdered(forecast);
          expect(new Decimal(forecast.point).gte(forecast.spent)).toBe(true);
        }),
        { numRuns: 150 },
      );
    });

    it('spent is the exact Decimal sum of the month so far', () => {
      fc.assert(
        fc.property(costs, fc.integer({ min: 1, max: 30 }), (values, elapsed) => {
          const today = dayText(dayNumber('2026-03-01') + elapsed);
          const days = series(dayText(dayNumber(today) - values.length), values);
          const expected = days
            .filter((d) => d.day >= '2026-03-01' && d.day < today)
            .reduce((sum, d) => sum.plus(d.cost as string), new Decimal(0));
          expect(new Decimal(forecastMonth({ days, month: '2026-03', today }, { paths: 50 }).spent).eq(expected)).toBe(true);
        }),
        { numRuns: 100 },
      );
    });
  });
});
