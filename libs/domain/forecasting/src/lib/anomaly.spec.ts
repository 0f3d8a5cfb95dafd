import fc from 'fast-check';
import { AnomalyVerdict, detectAnomalies } from './anomaly';
import { dayNumber, dayText, weekdayOf } from './days';
import { seededRandom } from './random';
import { DailyCost } from './series';

// Sunday first: weekends at a fifth of a weekday.
const WEEK = [20, 100, 110, 105, 100, 90, 20];
const FIRST = '2026-01-04'; // a Sunday
const first = dayNumber(FIRST);

/** `weeks` weeks of the weekly pattern with ±10% noise; `edit` may change any day's cost (by index). */
function weekly(weeks: number, seed = 1, edit: (i: number, cost: number) => number | undefined = (_, c) => c): DailyCost[] {
  const random = seededRandom(seed);
  const days: DailyCost[] = [];
  for (let i = 0; i < weeks * 7; i++) {
    const cost = edit(i, WEEK[weekdayOf(first + i)] * (0.9 + 0.2 * random()));
    if (cost !== undefined) days.push({ day: dayText(first + i), cost: cost.toFixed(4) });
  }
  return days;
}

const lastDay = (weeks: number) => dayText(first + weeks * 7 - 1);
const anomalies = (verdicts: AnomalyVerdict[]) => verdicts.filter((v) => v.status === 'anomaly');

describe('detectAnomalies', () => {
  it('does not flag an ordinary weekly pattern with low weekends, and expects a weekend to be low', () => {
    const verdicts = detectAnomalies(weekly(10), { through: lastDay(10) });
    expect(verdicts).toHaveLength(70);
    expect(anomalies(verdicts)).toEqual([]);
    const saturday = verdicts[69];
    expect(saturday).toMatchObject({ status: 'normal', baseline: 'weekday', day: '2026-03-14' });
    if (saturday.status !== 'normal') throw new Error('unreachable');
    expect(Number(saturday.expected)).toBeGreaterThan(17);
    expect(Number(saturday.expected)).toBeLessThan(23);
  });

  it('flags a clear spike as critical, with the baseline it was judged against', () => {
    const verdicts = detectAnomalies(
      weekly(10, 1, (i, c) => (i === 66 ? c * 5 : c)),
      { through: lastDay(10) },
    );
    expect(anomalies(verdicts)).toEqual([expect.objectContaining({ day: dayText(first + 66), status: 'anomaly', kind: 'spike', severity: 'critical' })]);
    const spike = verdicts[66];
    if (spike.status !== 'anomaly') throw new Error('unreachable');
    expect(Number(spike.expected)).toBeGreaterThan(90);
    expect(Number(spike.expected)).toBeLessThan(115);
    expect(Number(spike.upper)).toBeLessThan(Number(spike.cost));
    expect(spike.score).toBeGreaterThan(10);
  });

  it('labels a day without any cost (nothing synced) as a drop to zero', () => {
    // The last Thursday is simply absent from the input, as when a sync broke or a key was revoked.
    const verdicts = detectAnomalies(weekly(10, 2, (i, c) => (i === 67 ? undefined : c)), { through: lastDay(10) });
    expect(verdicts[67]).toMatchObject({ status: 'anomaly', kind: 'drop-to-zero', cost: '0' });
    expect(['warning', 'critical']).toContain((verdicts[67] as { severity: string }).severity);
  });

  it('labels a partial fall as a drop, not a drop to zero', () => {
    const verdicts = detectAnomalies(weekly(10, 3, (i, c) => (i === 65 ? c * 0.4 : c)), { through: lastDay(10) });
    expect(anomalies(verdicts)).toEqual([expect.objectContaining({ day: dayText(first + 65), kind: 'drop' })]);
  });

  it('does not judge a day before it has the minimum history', () => {
    const verdicts = detectAnomalies(weekly(6, 4, (i, c) => (i === 20 ? c * 10 : c)), { through: lastDay(6) });
    expect(verdicts.slice(0, 28).every((v) => v.status === 'insufficient-history')).toBe(true);
    expect(verdicts[20]).toMatchObject({ status: 'insufficient-history', historyDays: 20 });
    expect(verdicts[28].status).toBe('normal');
    const stricter = detectAnomalies(weekly(6, 4), { through: lastDay(6), minHistoryDays: 35 });
    expect(stricter.filter((v) => v.status === 'insufficient-history')).toHaveLength(35);
  });

  it('judges only from `from` to `through`, ignoring later entries', () => {
    const verdicts = detectAnomalies(weekly(8), { from: dayText(first + 50), through: dayText(first + 52) });
    expect(verdicts.map((v) => v.day)).toEqual([dayText(first + 50), dayText(first + 51), dayText(first + 52)]);
  });

  it('lets sensitivity decide a moderate spike, and a numeric sensitivity is the threshold itself', () => {
    const days = weekly(10, 5, (i, c) => (i === 64 ? c * 1.3 : c));
    const through = lastDay(10);
    const high = detectAnomalies(days, { through, sensitivity: 'high' })[64];
    expect(high).toMatchObject({ status: 'anomaly', kind: 'spike', severity: 'info' });
    const score = (high as { score: number }).score;
    expect(score).toBeGreaterThan(2.5);
    expect(score).toBeLessThan(5);
    expect(detectAnomalies(days, { through, sensitivity: 'low' })[64].status).toBe('normal');
    expect(detectAnomalies(days, { through, sensitivity: score - 0.01 })[64].status).toBe('anomaly');
    expect(detectAnomalies(days, { through, sensitivity: score + 0.01 })[64].status).toBe('normal');
  });

  it('ignores deviations below minAbsoluteDeviation (a tenfold spike of a tenth of a cent is nobody’s problem)', () => {
    const tiny = weekly(10, 6, (i, c) => (i === 66 ? (c * 10) / 100_000 : c / 100_000));
    expect(anomalies(detectAnomalies(tiny, { through: lastDay(10) }))).toEqual([]);
    expect(anomalies(detectAnomalies(tiny, { through: lastDay(10), minAbsoluteDeviation: '0' }))).toEqual([
      expect.objectContaining({ kind: 'spike', day: dayText(first + 66) }),
    ]);
  });

  it('dead weekends do not shrink the spread (regression: zero-cost weekends made ordinary weekdays look like spikes)', () => {
    const days = weekly(12, 7, (i, c) => ([0, 6].includes(weekdayOf(first + i)) ? undefined : c));
    expect(anomalies(detectAnomalies(days, { through: lastDay(12) }))).toEqual([]);
  });

  it('does not call the zeros of an intermittent series drops, but still sees an outsized burst', () => {
    const random = seededRandom(8);
    const days: DailyCost[] = [];
    for (let i = 0; i < 70; i++) if (random() < 0.3) days.push({ day: dayText(first + i), cost: (100 * (0.7 + 0.6 * random())).toFixed(2) });
    days.push({ day: dayText(first + 70), cost: '2500' });
    const verdicts = detectAnomalies(days, { through: dayText(first + 70) });
    const flagged = anomalies(verdicts);
    expect(flagged).toEqual([expect.objectContaining({ day: dayText(first + 70), kind: 'spike', baseline: 'intermittent' })]);
  });

  it('rejects options and input it cannot interpret', () => {
    expect(() => detectAnomalies([{ day: '2026-03-01', cost: '1' }, { day: '2026-03-01', cost: '1' }], { through: '2026-03-01' })).toThrow('twice');
    expect(() => detectAnomalies([], { through: '2026-03-01', sensitivity: 'extreme' as never })).toThrow('Unknown sensitivity');
    expect(() => detectAnomalies([], { through: '2026-03-01', sensitivity: -1 })).toThrow(RangeError);
    expect(() => detectAnomalies([], { through: '2026-03-01', minHistoryDays: 7 })).toThrow(RangeError);
  });

  it('never looks ahead: a day gets the same verdict whatever comes after it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 30, maxLength: 70 }), fc.integer({ min: 0, max: 29 }), (cents, back) => {
        const days = cents.map((c, i) => ({ day: dayText(first + i), cost: (c / 100).toFixed(2) }));
        const last = cents.length - 1;
        const full = detectAnomalies(days, { from: FIRST, through: dayText(first + last) });
        const prefix = detectAnomalies(days.slice(0, last - back + 1), { from: FIRST, through: dayText(first + last - back) });
        expect(prefix).toEqual(full.slice(0, last - back + 1));
      }),
      { numRuns: 100 },
    );
  });
});
