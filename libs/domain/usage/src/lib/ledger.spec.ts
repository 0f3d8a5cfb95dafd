import fc from 'fast-check';
import { UsageLedgerEvent, UsageObserved } from './events';
import { decideRecord, ledgerState } from './ledger';
import { overall, usageTotals } from './totals';
import { observeUsage, reportCost } from './validation';

function observe(observedAt: string, output: number, model = 'gpt-4o'): UsageObserved {
  const result = observeUsage({
    workspaceId: 'ws_a', accountId: 'acc_1', day: '2026-03-05', provider: 'openai', model, operation: 'chat/completions',
    tokens: { output }, source: 'manual', observedAt, final: false,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

/** An event store in miniature: appends keep the first copy of an id. */
function record(stream: UsageLedgerEvent[], candidate: UsageLedgerEvent): readonly UsageLedgerEvent[] {
  const decided = decideRecord(ledgerState(stream), candidate);
  for (const event of decided) if (!stream.some((stored) => stored.id === event.id)) stream.push(event);
  return decided;
}

describe('decideRecord', () => {
  it('records nothing for a re-send of the current numbers, even observed later', () => {
    const stream: UsageLedgerEvent[] = [];
    expect(record(stream, observe('2026-03-05T10:00:00Z', 100))).toHaveLength(1);
    expect(record(stream, observe('2026-03-05T10:00:00Z', 100))).toEqual([]);
    expect(record(stream, observe('2026-03-05T11:00:00Z', 100))).toEqual([]);
    expect(stream).toHaveLength(1);
  });

  it('records nothing for an observation older than the current one', () => {
    const stream: UsageLedgerEvent[] = [];
    record(stream, observe('2026-03-05T12:00:00Z', 200));
    expect(record(stream, observe('2026-03-05T10:00:00Z', 100))).toEqual([]);
  });

  // Regression: with content ids alone, going back to earlier numbers (A → B → A) produced A's
  // id again, the store dropped it as a duplicate, and B stayed current.
  it('A → B → A: going back to earlier numbers gets a new, deterministic id and becomes current', () => {
    const stream: UsageLedgerEvent[] = [];
    const a = observe('2026-03-05T10:00:00Z', 100);
    record(stream, a);
    record(stream, observe('2026-03-05T11:00:00Z', 250));
    const back = observe('2026-03-05T12:00:00Z', 100);
    expect(back.id).toBe(a.id);
    const [decided] = record(stream, back);
    expect(decided.id).not.toBe(a.id);
    expect(decideRecord(ledgerState(stream.slice(0, 2)), back)).toEqual([decided]);
    expect(usageTotals(stream, overall).get('all')?.tokens.output).toBe(100);
    expect(record(stream, back)).toEqual([]);
  });

  it('decides billed costs the same way', () => {
    const cost = (observedAt: string, amount: string) => {
      const result = reportCost({
        workspaceId: 'ws_a', accountId: 'acc_1', day: '2026-03-05', provider: 'openai', description: 'gpt-4o, input', amount,
        currency: 'USD', source: 'usage-api', observedAt, final: false,
      });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.value;
    };
    const stream: UsageLedgerEvent[] = [];
    record(stream, cost('2026-03-05T10:00:00Z', '1.5'));
    record(stream, cost('2026-03-05T11:00:00Z', '2'));
    expect(record(stream, cost('2026-03-05T12:00:00Z', '1.50'))).toHaveLength(1);
    expect(record(stream, cost('2026-03-05T13:00:00Z', '1.5'))).toEqual([]);
  });

  it('property: through decide and a deduplicating store, the newest observation per key wins, with retries and reverts', () => {
    // Per key, observations at distinct instants whose numbers come from a tiny pool, so reverts
    // to earlier numbers are common. Keys interleave in any way; each key's observations are
    // first sent in the order they were made (one writer per account, serialized by the
    // stream); any of them may be re-sent at any later point (retries, re-syncs).
    const observation = fc.record({ model: fc.constantFrom('gpt-4o', 'o3'), minute: fc.integer({ min: 0, max: 59 }), output: fc.constantFrom(1, 2, 3) });
    const arrivals = fc
      .uniqueArray(observation, { minLength: 1, maxLength: 12, selector: (o) => `${o.model}@${o.minute}` })
      .chain((observations) => {
        const inOrder = [...observations].sort((x, y) => x.minute - y.minute);
        const labels = inOrder.map((o) => o.model);
        return fc
          .tuple(fc.shuffledSubarray(labels, { minLength: labels.length, maxLength: labels.length }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 }))
          .map(([interleaving, retries]) => {
            const queues = new Map(['gpt-4o', 'o3'].map((model) => [model, inOrder.filter((o) => o.model === model)]));
            const order = interleaving.map((model) => queues.get(model)?.shift() as (typeof observations)[number]);
            for (const [a, b] of retries) {
              const source = a % order.length;
              order.splice(source + 1 + (b % (order.length - source)), 0, order[source]);
            }
            return { observations, order };
          });
      });
    fc.assert(
      fc.property(arrivals, ({ observations, order }) => {
        const at = (minute: number) => `2026-03-05T10:${String(minute).padStart(2, '0')}:00Z`;
        const stream: UsageLedgerEvent[] = [];
        for (const o of order) record(stream, observe(at(o.minute), o.output, o.model));
        const expected = new Map<string, number>();
        for (const model of ['gpt-4o', 'o3']) {
          const newest = observations.filter((o) => o.model === model).sort((x, y) => y.minute - x.minute)[0];
          if (newest !== undefined) expected.set(`openai|${model}|chat/completions`, newest.output);
        }
        const actual = new Map([...usageTotals(stream, (data) => data.requestType)].map(([key, totals]) => [key, totals.tokens.output]));
        expect(actual).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  // What decide cannot know: a re-send of the current numbers with a later observedAt is
  // dropped (that is what keeps re-syncs free), so an older, different observation that arrives
  // after it wins. Only a writer that sends one key's observations out of order can cause it.
  it('known limit: an older observation arriving after a newer confirmation of the current numbers wins', () => {
    const stream: UsageLedgerEvent[] = [];
    record(stream, observe('2026-03-05T10:00:00Z', 1));
    expect(record(stream, observe('2026-03-05T10:02:00Z', 1))).toEqual([]);
    record(stream, observe('2026-03-05T10:01:00Z', 2));
    expect(usageTotals(stream, overall).get('all')?.tokens.output).toBe(2);
  });
});
