import { accountFixture, breakdown, emptySummary, summaryFixture } from '../testing/usage-fixtures.testing';
import { isEmptySummary, modelChart, providerChart, topAccounts } from './dashboard-model';

describe('dashboard model', () => {
  it('knows an empty month', () => {
    expect(isEmptySummary(emptySummary())).toBe(true);
    expect(isEmptySummary(summaryFixture())).toBe(false);
  });

  it('charts providers with labels and exact figures in the tooltips', () => {
    expect(providerChart(summaryFixture())).toEqual([
      { name: 'OpenAI', value: 10.5, extra: { display: '$10.50' } },
      { name: 'Anthropic', value: 2, extra: { display: '$2.00' } },
    ]);
  });

  it('folds the models beyond the limit into one exact "Other" bar', () => {
    const summary = summaryFixture({
      byModel: [
        breakdown('a/m1', '3', { model: 'm1' }),
        breakdown('a/m2', '0.1', { model: 'm2' }),
        breakdown('a/m3', '0.2', { model: 'm3' }),
        breakdown('a/m4', '0', { model: 'm4' }),
      ],
    });
    expect(modelChart(summary, 1).map((item) => [item.name, item.extra.display])).toEqual([
      ['m1', '$3.00'],
      ['Other (2)', '$0.30'],
    ]);
  });

  it('ranks the top accounts by estimate and names them', () => {
    const rows = topAccounts(summaryFixture(), new Map([['acc1', accountFixture()]]));
    expect(rows.map((row) => [row.name, row.provider, row.estimated])).toEqual([
      ['OpenAI production', 'OpenAI', '10.5'],
      ['acc2', 'Unknown provider', '2'],
    ]);
  });
});
