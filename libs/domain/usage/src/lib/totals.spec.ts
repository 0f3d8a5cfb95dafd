import { CostReported, UsageObserved } from './events';
import { byAccount, byDay, byRequestType, costTotals, overall, TotalTooLargeError, usageTotals } from './totals';
import { CostReportInput, observeUsage, reportCost, UsageObservationInput } from './validation';

function observe(patch: Partial<UsageObservationInput>): UsageObserved {
  const result = observeUsage({
    workspaceId: 'ws_a', accountId: 'acc_1', day: '2026-03-05', provider: 'openai', model: 'gpt-4o', operation: 'chat/completions',
    source: 'usage-api', observedAt: '2026-03-06T01:00:00Z', final: true, ...patch,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function billed(patch: Partial<CostReportInput>): CostReported {
  const result = reportCost({
    workspaceId: 'ws_a', accountId: 'acc_1', day: '2026-03-05', provider: 'openai', description: 'gpt-4o, input', amount: '0',
    currency: 'USD', source: 'usage-api', observedAt: '2026-03-06T01:00:00Z', final: true, ...patch,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('usage totals', () => {
  it('sums token classes and units per group, and counts pending observations', () => {
    const events = [
      observe({ tokens: { inputUncached: 10, output: 5 }, units: { requests: 1 } }),
      observe({ serviceTier: 'batch', tokens: { inputUncached: 7 }, units: { requests: 2 }, observedAt: '2026-03-05T20:00:00Z', final: false }),
      observe({ day: '2026-03-06', tokens: { output: 1 }, observedAt: '2026-03-06T02:00:00Z', final: false }),
      observe({ accountId: 'acc_2', tokens: { reasoning: 3 } }),
    ];
    const perDay = usageTotals(events, byDay);
    expect(perDay.get('2026-03-05')).toMatchObject({ tokens: { inputUncached: 17, output: 5, reasoning: 3 }, units: { requests: 3 }, observations: 3, pending: 1 });
    expect(perDay.get('2026-03-06')).toMatchObject({ tokens: { output: 1 }, observations: 1, pending: 1 });
    expect([...usageTotals(events, byAccount).keys()].sort()).toEqual(['ws_a.acc_1', 'ws_a.acc_2']);
    expect([...usageTotals(events, byRequestType).keys()].sort()).toEqual([
      'openai|gpt-4o|chat/completions',
      'openai|gpt-4o|chat/completions|tier=batch',
    ]);
    expect(usageTotals([], overall).size).toBe(0);
  });

  it('throws TotalTooLargeError instead of returning an inexact total past MAX_SAFE_INTEGER', () => {
    const half = Math.ceil(Number.MAX_SAFE_INTEGER / 2);
    const events = [observe({ tokens: { output: half } }), observe({ accountId: 'acc_2', tokens: { output: half } })];
    expect(() => usageTotals(events, byAccount)).not.toThrow();
    let error: unknown;
    try {
      usageTotals(events, overall);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TotalTooLargeError);
    expect(error).toMatchObject({ field: 'tokens.output', group: 'all' });
    expect((error as Error).message).toBe('The total of tokens.output for "all" exceeds 9007199254740991 and cannot be counted exactly.');
  });

  it('a total of exactly MAX_SAFE_INTEGER is still exact and allowed', () => {
    const events = [observe({ tokens: { output: Number.MAX_SAFE_INTEGER - 1 } }), observe({ accountId: 'acc_2', tokens: { output: 1 } })];
    expect(usageTotals(events, overall).get('all')?.tokens.output).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('billed-cost totals', () => {
  it('sums exactly where floating point would not (0.1 + 0.2, xAI ticks, credits)', () => {
    const events = [
      billed({ description: 'a', amount: '0.1' }),
      billed({ description: 'b', amount: '0.2' }),
      billed({ description: 'c', amount: '0.0000000001' }),
      billed({ description: 'credit', amount: '-0.05' }),
    ];
    expect(costTotals(events, overall).get('all')).toEqual({ amount: '0.2500000001', currency: 'USD', observations: 4, pending: 0 });
  });

  it('keeps the latest amount per line, ignoring usage events in the same stream', () => {
    const events = [
      billed({ amount: '1.00', final: false, observedAt: '2026-03-05T12:00:00Z' }),
      billed({ amount: '2.50' }),
      observe({ tokens: { output: 1 } }),
    ];
    expect(costTotals(events, byDay).get('2026-03-05')).toEqual({ amount: '2.5', currency: 'USD', observations: 1, pending: 0 });
  });
});
