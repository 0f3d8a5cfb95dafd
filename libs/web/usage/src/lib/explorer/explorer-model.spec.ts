import type { DailyCostPointDto } from '@act/contracts';
import { accountFixture, counts, observationFixture } from '../testing/usage-fixtures.testing';
import {
  dayRows,
  defaultFilters,
  filtersFromParams,
  filtersProblem,
  groupLabel,
  groupTotals,
  observationsOfGroup,
  stackedSeries,
} from './explorer-model';

const TODAY = new Date('2026-03-10T15:00:00Z');
const ACCOUNTS = new Map([['acc1', accountFixture()]]);

function point(day: string, key: string | null, estimated: string, overrides: Partial<DailyCostPointDto> = {}): DailyCostPointDto {
  return { day, key, estimated, reconciled: null, counts: counts(), ...overrides };
}

describe('explorer filters', () => {
  it('default to the last 30 days by provider', () => {
    expect(defaultFilters(TODAY)).toEqual({ from: '2026-02-09', to: '2026-03-10', groupBy: 'provider' });
  });

  it('come from the query parameters, ignoring malformed ones', () => {
    expect(filtersFromParams({ from: '2026-03-01', to: '2026-03-05', groupBy: 'model' }, TODAY)).toEqual({
      from: '2026-03-01',
      to: '2026-03-05',
      groupBy: 'model',
    });
    expect(filtersFromParams({ from: '2026-02-30', to: 'yesterday', groupBy: 'team' }, TODAY)).toEqual(defaultFilters(TODAY));
  });

  it('refuse a reversed or too long range', () => {
    expect(filtersProblem({ from: '2026-03-05', to: '2026-03-01', groupBy: 'provider' })).toMatch(/before the start/);
    expect(filtersProblem({ from: '2024-01-01', to: '2026-01-01', groupBy: 'provider' })).toMatch(/at most a year/);
    expect(filtersProblem({ from: '2026-01-01', to: '2026-12-31', groupBy: 'provider' })).toBeNull();
  });
});

describe('explorer tables and chart', () => {
  const points = [
    point('2026-03-01', 'openai', '0.1', { reconciled: '0.1' }),
    point('2026-03-02', 'openai', '0.2', { counts: counts({ unpriced: 1 }) }),
    point('2026-03-02', 'anthropic', '5'),
  ];

  it('sum each group exactly over the range, largest first', () => {
    const totals = groupTotals(points, 'provider', ACCOUNTS);
    expect(totals.map((t) => [t.label, t.estimated, t.reconciled])).toEqual([
      ['Anthropic', '5', null],
      ['OpenAI', '0.3', '0.1'],
    ]);
    expect(totals[1]?.counts).toEqual({ rows: 2, estimated: 2, manual: 0, unpriced: 1, pending: 0 });
  });

  it('list the days newest first', () => {
    expect(dayRows(points, 'provider', ACCOUNTS).map((row) => `${row.day} ${row.label}`)).toEqual([
      '2026-03-02 Anthropic',
      '2026-03-02 OpenAI',
      '2026-03-01 OpenAI',
    ]);
  });

  it('stack every day of the range, empty days included', () => {
    const chart = stackedSeries(points, { from: '2026-02-28', to: '2026-03-02', groupBy: 'provider' }, ACCOUNTS);
    expect(chart.map((group) => group.name)).toEqual(['Feb 28', 'Mar 1', 'Mar 2']);
    expect(chart[0]?.series).toEqual([]);
    expect(chart[2]?.series.map((item) => [item.name, item.value, item.extra.display])).toEqual([
      ['OpenAI', 0.2, '$0.20'],
      ['Anthropic', 5, '$5.00'],
    ]);
  });

  it('name groups for people', () => {
    expect(groupLabel('account', { key: 'acc1' }, ACCOUNTS)).toBe('OpenAI production');
    expect(groupLabel('account', { key: 'gone' }, ACCOUNTS)).toBe('gone');
    expect(groupLabel('model', { key: 'openai/gpt-4o', model: 'gpt-4o' }, ACCOUNTS)).toBe('gpt-4o');
    expect(groupLabel('project', { key: null }, ACCOUNTS)).toBe('No project');
  });

  it('keep the observations of the selected group only', () => {
    const observations = [
      observationFixture(),
      observationFixture({ eventId: 'ev2', provider: 'anthropic', model: 'claude-haiku', project: 'search' }),
    ];
    expect(observationsOfGroup(observations, 'provider', { key: 'anthropic' }).map((o) => o.eventId)).toEqual(['ev2']);
    expect(observationsOfGroup(observations, 'model', { key: 'openai/gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini' }).map((o) => o.eventId)).toEqual(['ev1']);
    expect(observationsOfGroup(observations, 'project', { key: null }).map((o) => o.eventId)).toEqual(['ev1']);
    expect(observationsOfGroup(observations, 'account', { key: 'acc1' })).toHaveLength(2);
  });
});
