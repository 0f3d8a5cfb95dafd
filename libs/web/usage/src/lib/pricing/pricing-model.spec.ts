import { overrideRequest, sourceLabel } from './pricing-model';

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
