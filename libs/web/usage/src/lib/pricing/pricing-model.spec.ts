import { overrideRequest, sourceLabel, unaffectedVariantsNotice } from './pricing-model';

describe('override request', () => {
  it('turns prices per million tokens into exact per-token prices and leaves empty classes out (never 0)', () => {
    expect(
      overrideRequest({
        provider: ' openai ',
        model: 'gpt-4o-mini',
        effectiveFrom: '2026-03-01',
        prices: { input: '0.15', output: '0.6', cacheRead: '', reasoning: '  ' },
      }),
    ).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      effectiveFrom: '2026-03-01',
      prices: { input: '0.00000015', output: '0.0000006' },
    });
  });

  it('names where a price version comes from', () => {
    expect(sourceLabel({ source: 'override', scope: 'workspace' })).toBe('Workspace override');
    expect(sourceLabel({ source: 'catalogue', scope: 'catalogue' })).toBe('Catalogue');
  });
});

describe('unaffected variants notice', () => {
  it('names each dated id with its rows and estimate, and says to set the price on it too', () => {
    expect(unaffectedVariantsNotice([])).toBeNull();
    expect(unaffectedVariantsNotice(undefined)).toBeNull();
    expect(unaffectedVariantsNotice([{ provider: 'openai', model: 'gpt-3.5-turbo-0125', rows: 1, estimated: '0.00027' }])).toBe(
      'Usage recorded as gpt-3.5-turbo-0125 (1 row, $0.00027) keeps its own price: set the price on that model too.',
    );
    expect(
      unaffectedVariantsNotice([
        { provider: 'openai', model: 'gpt-4o-2024-05-13', rows: 3, estimated: '1.5' },
        { provider: 'openai', model: 'gpt-4o-2024-08-06', rows: 92, estimated: '12.34' },
      ]),
    ).toBe(
      "Usage recorded as gpt-4o-2024-05-13 (3 rows, $1.50) and gpt-4o-2024-08-06 (92 rows, $12.34) keeps those models' own prices: " +
        'set the price on those models too.',
    );
  });
});
