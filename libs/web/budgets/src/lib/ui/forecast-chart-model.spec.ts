import { figuresFixture } from '../testing/budgets-fixtures.testing';
import { ACTUAL_SERIES, BAND_80_SERIES, BAND_95_SERIES, forecastChart } from './forecast-chart-model';

describe('forecastChart', () => {
  it('draws the complete days as spend and the days to come as the median with both bands, joined at the last actual day', () => {
    const chart = forecastChart(figuresFixture(), '300');
    expect(chart.series.map((s) => s.name)).toEqual([ACTUAL_SERIES, BAND_95_SERIES, BAND_80_SERIES]);
    const [actual, p95, p80] = chart.series as [typeof chart.series[0], typeof chart.series[0], typeof chart.series[0]];
    expect(actual.series).toHaveLength(10);
    expect(actual.series[9]).toEqual({ name: 'Mar 10', value: 100, extra: { display: '$100.00' } });
    // 21 days to come plus the joining day.
    expect(p95.series).toHaveLength(22);
    expect(p95.series[0]?.name).toBe('Mar 10');
    expect(p95.series[21]).toMatchObject({ name: 'Mar 31', value: 310, min: 226, max: 394 });
    expect(p80.series[21]).toMatchObject({ value: 310, min: 268, max: 352 });
    expect(p80.series[21]?.extra.display).toBe('$310.00 (80%: $268.00 – $352.00)');
  });

  it('draws the budget as a reference line and keeps it on the chart', () => {
    const chart = forecastChart(figuresFixture(), '1000');
    expect(chart.referenceLines).toEqual([{ name: 'Budget $1,000.00', value: 1000 }]);
    expect(chart.yMax).toBeGreaterThanOrEqual(1000);
    const noBudget = forecastChart(figuresFixture(), null);
    expect(noBudget.referenceLines).toEqual([]);
    expect(noBudget.yMax).toBeGreaterThanOrEqual(352);
  });

  it('copes with a month not started (no actual day) and a month over (no day to come)', () => {
    const fresh = figuresFixture();
    fresh.daily = fresh.daily.map((day) => ({ ...day, actual: false }));
    expect(forecastChart(fresh).series.map((s) => s.name)).toEqual([BAND_95_SERIES, BAND_80_SERIES]);
    const over = figuresFixture();
    over.daily = over.daily.map((day) => ({ ...day, actual: true }));
    expect(forecastChart(over).series.map((s) => s.name)).toEqual([ACTUAL_SERIES]);
  });
});
