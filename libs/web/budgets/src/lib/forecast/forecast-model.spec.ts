import { figuresFixture, forecastFixture } from '../testing/budgets-fixtures.testing';
import { budgetFor, crossingText, seriesRows } from './forecast-model';

describe('forecast model', () => {
  it('lists each series with its month-end figures, and flags a short history', () => {
    const response = forecastFixture({
      groupBy: 'provider',
      series: [
        { key: 'openai', label: 'OpenAI', forecast: figuresFixture() },
        { key: 'groq', label: 'Groq', forecast: figuresFixture({ insufficientHistory: true, historyDays: 3, confidence: 'insufficient', point: '0.5' }) },
      ],
    });
    const rows = seriesRows(response);
    expect(rows[0]).toEqual({
      key: 'openai',
      label: 'OpenAI',
      spent: '$100.00',
      point: '$310.00',
      p80: '$268.00 – $352.00',
      p95: '$226.00 – $394.00',
      flag: null,
      method: 'weekday-holt-bootstrap',
    });
    expect(rows[1]?.flag).toBe('Only 3 days of history: the interval is wide on purpose.');
  });

  it('reads a series against the budget of the same scope', () => {
    const response = forecastFixture();
    expect(budgetFor(response, response.series[0] as never)?.budgetId).toBe('b1');
    const byProvider = forecastFixture({
      groupBy: 'provider',
      budgets: [{ ...forecastFixture().budgets[0], budgetId: 'b2', scope: { kind: 'provider', key: 'openai' } } as never],
    });
    expect(budgetFor(byProvider, { key: 'openai', label: 'OpenAI', forecast: figuresFixture() })?.budgetId).toBe('b2');
    expect(budgetFor(byProvider, { key: 'groq', label: 'Groq', forecast: figuresFixture() })).toBeNull();
  });

  it('says when a budget is reached: already, or likely and earliest within the intervals', () => {
    const [budget] = forecastFixture().budgets as [never];
    expect(crossingText(budget)).toBe('likely Mar 30 · 80%: from Mar 27 · 95%: from Mar 24');
    expect(crossingText({ ...(budget as object), crossing: { actual: '2026-03-05', median: null, upper80: null, upper95: null } } as never)).toBe('Reached on Mar 5');
    expect(crossingText({ ...(budget as object), crossing: { actual: null, median: null, upper80: null, upper95: null } } as never)).toBe('Not projected this month');
  });
});
