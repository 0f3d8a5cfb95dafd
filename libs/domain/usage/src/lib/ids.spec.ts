import fc from 'fast-check';
import { UsageObserved } from './events';
import { ledgerStreamId, usageContent } from './ids';
import { OTHER_UNITS, TOKEN_CLASSES } from './quantities';
import { observeUsage, reportCost, UsageObservationInput } from './validation';

const base: UsageObservationInput = {
  workspaceId: 'ws_1',
  accountId: 'acc_1',
  day: '2026-03-05',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5-20250929',
  operation: 'chat/completions',
  tokens: { inputUncached: 1000, inputCachedRead: 200, cacheWrite5m: 50, cacheWrite1h: 10, output: 300, reasoning: 40 },
  units: { requests: 12, webSearchCalls: 2 },
  raw: { uncached_input_tokens: 1000 },
  source: 'usage-api',
  observedAt: '2026-03-05T12:00:00Z',
  final: false,
};

function observe(input: UsageObservationInput): UsageObserved {
  const result = observeUsage(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('deterministic event ids', () => {
  // Computed independently as uuidv5(name, USAGE_LEDGER_NAMESPACE) over the documented names:
  // UsageObserved|ws_1|acc_1|2026-03-05|anthropic%7Cclaude-sonnet-4-5-20250929%7Cchat/completions|
  //   {"final":false,"tokens":{"cacheWrite1h":10,"cacheWrite5m":50,"inputCachedRead":200,"inputUncached":1000,"output":300,"reasoning":40},"units":{"requests":12,"webSearchCalls":2}}
  // CostReported|ws_1|acc_1|2026-03-05|anthropic%7CClaude Sonnet 4.5 input|{"amount":"12.34","currency":"USD","final":true}
  it('are pinned: the namespace and the name format must never change, or re-sends would look new', () => {
    expect(observe(base).id).toBe('eabf29e2-77f5-5ce9-acf4-cad473616f2c');
    const costResult = reportCost({
      workspaceId: 'ws_1', accountId: 'acc_1', day: '2026-03-05', provider: 'anthropic', description: 'Claude Sonnet 4.5 input',
      amount: '12.3400', currency: 'USD', source: 'usage-api', observedAt: '2026-03-06T00:00:00Z', final: true,
    });
    expect(costResult.ok && costResult.value.id).toBe('1eeab147-b860-55de-a26e-d31639f47805');
  });

  it('re-observing the same numbers later, from another source, with other raw data gives the same id', () => {
    const again = observe({ ...base, observedAt: '2026-03-05T13:30:00.250Z', source: 'import', raw: { other: true } });
    expect(again.id).toBe(observe(base).id);
  });

  it('writing the same numbers differently (omitted zero vs explicit 0, 1.50 vs 1.5) gives the same id', () => {
    const omitted = observe({ ...base, units: { requests: 12, webSearchCalls: 2 }, reportedCost: { amount: '1.50', currency: 'USD' } });
    const explicit = observe({ ...base, units: { requests: 12, webSearchCalls: 2, images: 0 }, reportedCost: { amount: '1.5', currency: 'USD' } });
    expect(explicit.id).toBe(omitted.id);
  });

  it('leaves zero counts out of the hashed content, so a class added later keeps old ids stable', () => {
    expect(usageContent(observe({ ...base, tokens: { output: 5 }, units: {} }).data)).toBe('{"final":false,"tokens":{"output":5},"units":{}}');
  });

  it('changing any single quantity, the final flag, the reported cost or any key part gives a different id', () => {
    const original = observe({ ...base, reportedCost: { amount: '0.25', currency: 'USD' } });
    const tokenClass = fc.constantFrom(...TOKEN_CLASSES);
    const unit = fc.constantFrom(...OTHER_UNITS);
    const change = fc.oneof(
      fc.tuple(tokenClass, fc.integer({ min: 1, max: 1e9 })).map(([name, delta]) => ({
        ...base, reportedCost: original.data.reportedCost, tokens: { ...original.data.tokens, [name]: original.data.tokens[name] + delta },
      })),
      fc.tuple(unit, fc.integer({ min: 1, max: 1e9 })).map(([name, delta]) => ({
        ...base, reportedCost: original.data.reportedCost, units: { ...original.data.units, [name]: original.data.units[name] + delta },
      })),
      fc.integer({ min: 1, max: 10_000 }).map((dollars) => ({ ...base, reportedCost: { amount: `${dollars}.25`, currency: 'USD' } })),
      fc.constantFrom<Partial<UsageObservationInput>>(
        { reportedCost: undefined },
        { final: true, observedAt: '2026-03-06T00:00:00Z' },
        { day: '2026-03-04' },
        { workspaceId: 'ws_2' },
        { accountId: 'acc_2' },
        { model: 'claude-sonnet-4-5' },
        { operation: 'web_search' },
        { serviceTier: 'batch' },
        { contextTier: 'long' },
        { project: 'wrkspc_1' },
      ).map((patch) => ({ ...base, reportedCost: original.data.reportedCost, ...patch })),
    );
    fc.assert(
      fc.property(change, (input) => {
        expect(observe(input).id).not.toBe(original.id);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ledgerStreamId', () => {
  it('is one stream per workspace, account and UTC month', () => {
    const id = ledgerStreamId({ workspaceId: '0b6f3c52-9d1e-4b7a-8f00-2c1d5e6a7b80', accountId: 'acc_1', day: '2026-03-31' });
    expect(id).toBe('usage-0b6f3c52-9d1e-4b7a-8f00-2c1d5e6a7b80.acc_1.2026-03');
    expect(ledgerStreamId({ workspaceId: 'a-b', accountId: 'c', day: '2026-03-01' })).not.toBe(
      ledgerStreamId({ workspaceId: 'a', accountId: 'b-c', day: '2026-03-01' }),
    );
    expect(ledgerStreamId({ workspaceId: 'a', accountId: 'b', day: '2026-04-01' })).not.toBe(ledgerStreamId({ workspaceId: 'a', accountId: 'b', day: '2026-03-31' }));
  });

  it('refuses ids that would make stream names ambiguous', () => {
    expect(() => ledgerStreamId({ workspaceId: 'a.b', accountId: 'c', day: '2026-03-01' })).toThrow(RangeError);
  });
});
