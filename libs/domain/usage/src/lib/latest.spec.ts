import fc from 'fast-check';
import { CostReported, UsageLedgerEvent, UsageObserved } from './events';
import { foldLatest, latestCosts, latestUsage } from './latest';
import { OTHER_UNITS, TOKEN_CLASSES } from './quantities';
import { byAccount, byDay, byLineItem, byRequestType, costTotals, overall, usageTotals } from './totals';
import { observeUsage, reportCost } from './validation';

/*
 * The property the product relies on: whatever order events arrive in, however often each is
 * re-sent, the totals are those of "for each key, the observation with the greatest
 * (observedAt, id)". The reference below computes that the obvious way, with BigInt sums, and
 * shares no code with the fold.
 */

const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];
// Few instants, so that revisions of one key often tie on observedAt and the id decides.
const INSTANTS = ['2026-03-04T00:00:00Z', '2026-03-04T00:00:00.001Z', '2026-03-04T06:00:00Z', '2026-03-05T12:30:00.250Z'];
const TICKS_PER_USD = 10n ** 10n; // xAI's unit: the finest amount providers report

const count = fc.oneof(fc.constant(0), fc.nat(1_000), fc.integer({ min: 0, max: 1e12 }));
const counts = <K extends string>(names: readonly K[]) =>
  fc.record(Object.fromEntries(names.map((name) => [name, count])) as Record<K, typeof count>);
const ticks = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 17n });

function usd(amountInTicks: bigint): string {
  const sign = amountInTicks < 0n ? '-' : '';
  const abs = amountInTicks < 0n ? -amountInTicks : amountInTicks;
  const fraction = (abs % TICKS_PER_USD).toString().padStart(10, '0').replace(/0+$/, '');
  const text = `${sign}${abs / TICKS_PER_USD}${fraction === '' ? '' : `.${fraction}`}`;
  return text === '-0' ? '0' : text;
}

const usageKey = fc.record({
  workspaceId: fc.constantFrom('ws_a', '0b6f3c52-9d1e-4b7a-8f00-2c1d5e6a7b80'),
  accountId: fc.constantFrom('acc_1', 'acc_2'),
  day: fc.constantFrom(...DAYS),
  provider: fc.constantFrom('openai', 'openrouter', 'bedrock'),
  model: fc.constantFrom('gpt-4o-mini-2024-07-18', 'anthropic/claude-3.5-sonnet', 'anthropic.claude-3-5-sonnet-20240620-v1:0'),
  serviceTier: fc.constantFrom('standard', 'batch'),
});
const usageRevision = fc.record({
  tokens: counts(TOKEN_CLASSES),
  units: counts(OTHER_UNITS),
  final: fc.boolean(),
  observedAt: fc.constantFrom(...INSTANTS),
  reportedCost: fc.option(ticks.map((t) => (t < 0n ? -t : t)), { nil: undefined }),
});
const costKey = fc.record({
  workspaceId: fc.constantFrom('ws_a', 'ws_b'),
  accountId: fc.constantFrom('acc_1', 'acc_2'),
  day: fc.constantFrom(...DAYS),
  description: fc.constantFrom('GPT-4o input', 'GPT-4o output', 'web search | tool', 'credit 100%'),
});
const costRevision = fc.record({ amount: ticks, final: fc.boolean(), observedAt: fc.constantFrom(...INSTANTS) });

/** Keys, each with 1–4 revisions, turned into events through the public constructors. */
const history = fc
  .tuple(
    fc.uniqueArray(fc.tuple(usageKey, fc.array(usageRevision, { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 6, selector: ([key]) => JSON.stringify(key) }),
    fc.uniqueArray(fc.tuple(costKey, fc.array(costRevision, { minLength: 1, maxLength: 4 })), { maxLength: 5, selector: ([key]) => JSON.stringify(key) }),
  )
  .map(([usage, costs]) => {
    const events: UsageLedgerEvent[] = [];
    for (const [key, revisions] of usage) {
      for (const r of revisions) {
        const result = observeUsage({
          ...key, operation: 'chat/completions', tokens: r.tokens, units: r.units, source: 'usage-api', observedAt: r.observedAt, final: r.final,
          raw: { n: events.length }, ...(r.reportedCost === undefined ? {} : { reportedCost: { amount: usd(r.reportedCost), currency: 'USD' } }),
        });
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        events.push(result.value);
      }
    }
    for (const [key, revisions] of costs) {
      for (const r of revisions) {
        const result = reportCost({ ...key, provider: 'openai', amount: usd(r.amount), currency: 'USD', source: 'usage-api', observedAt: r.observedAt, final: r.final });
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        events.push(result.value);
      }
    }
    // A revision that repeats earlier numbers has the earlier id: the store would keep only the
    // first one, so the history is the events with distinct ids (see ledger.spec for A → B → A).
    const seen = new Set<string>();
    return events.filter((event) => !seen.has(event.id) && seen.add(event.id));
  });

/** The history delivered as a store or projection may see it: shuffled, each event re-sent 1–3 times. */
const delivery = history.chain((events) =>
  fc.array(fc.integer({ min: 1, max: 3 }), { minLength: events.length, maxLength: events.length }).chain((copies) => {
    const sent = events.flatMap((event, i) => Array.from({ length: copies[i] }, () => event));
    return fc.shuffledSubarray(sent, { minLength: sent.length, maxLength: sent.length }).map((arrived) => ({ events, arrived }));
  }),
);

// ---------------------------------------------------------------------------------------------
// Reference: the obvious computation.

function referenceWinners<E extends UsageLedgerEvent>(events: readonly E[], keyOf: (event: E) => string): E[] {
  const byKey = new Map<string, E[]>();
  for (const event of events) byKey.set(keyOf(event), [...(byKey.get(keyOf(event)) ?? []), event]);
  return [...byKey.values()].map((candidates) =>
    candidates.reduce((best, event) =>
      event.data.observedAt > best.data.observedAt || (event.data.observedAt === best.data.observedAt && event.id > best.id) ? event : best,
    ),
  );
}

const usageKeyOf = (e: UsageObserved) => JSON.stringify([e.data.workspaceId, e.data.accountId, e.data.day, e.data.requestType]);
const costKeyOf = (e: CostReported) => JSON.stringify([e.data.workspaceId, e.data.accountId, e.data.day, e.data.lineItem]);

function referenceUsage(events: readonly UsageLedgerEvent[], groupOf: (e: UsageObserved) => string) {
  const usage = events.filter((e): e is UsageObserved => e.type === 'UsageObserved.v1');
  const out = new Map<string, Record<string, bigint>>();
  for (const winner of referenceWinners(usage, usageKeyOf)) {
    const sums = out.get(groupOf(winner)) ?? {};
    for (const name of TOKEN_CLASSES) sums[`tokens.${name}`] = (sums[`tokens.${name}`] ?? 0n) + BigInt(winner.data.tokens[name]);
    for (const name of OTHER_UNITS) sums[`units.${name}`] = (sums[`units.${name}`] ?? 0n) + BigInt(winner.data.units[name]);
    out.set(groupOf(winner), sums);
  }
  return out;
}

function referenceCosts(events: readonly UsageLedgerEvent[], groupOf: (e: CostReported) => string): Map<string, string> {
  const costs = events.filter((e): e is CostReported => e.type === 'CostReported.v1');
  const sums = new Map<string, bigint>();
  for (const winner of referenceWinners(costs, costKeyOf)) {
    const [whole, fraction = ''] = winner.data.amount.replace('-', '').split('.');
    const inTicks = BigInt(whole) * TICKS_PER_USD + BigInt(fraction.padEnd(10, '0'));
    sums.set(groupOf(winner), (sums.get(groupOf(winner)) ?? 0n) + (winner.data.amount.startsWith('-') ? -inTicks : inTicks));
  }
  return new Map([...sums].map(([group, total]) => [group, usd(total)]));
}

function flatten(totals: ReadonlyMap<string, { tokens: object; units: object }>): Map<string, Record<string, bigint>> {
  return new Map(
    [...totals].map(([group, t]) => [
      group,
      Object.fromEntries([
        ...Object.entries(t.tokens).map(([name, n]) => [`tokens.${name}`, BigInt(n)]),
        ...Object.entries(t.units).map(([name, n]) => [`units.${name}`, BigInt(n)]),
      ]),
    ]),
  );
}

const GROUPINGS = [
  ['day', byDay, (e: UsageObserved | CostReported) => e.data.day],
  ['account', byAccount, (e: UsageObserved | CostReported) => `${e.data.workspaceId}.${e.data.accountId}`],
  ['overall', overall, () => 'all'],
] as const;

describe('latest-wins fold (property)', () => {
  it('usage totals per day, account, requestType and overall equal the reference, to the token, in any delivery', () => {
    fc.assert(
      fc.property(delivery, ({ events, arrived }) => {
        for (const [, groupOf, refGroupOf] of GROUPINGS) {
          expect(flatten(usageTotals(arrived, groupOf))).toEqual(referenceUsage(events, refGroupOf));
        }
        expect(flatten(usageTotals(arrived, byRequestType))).toEqual(referenceUsage(events, (e) => e.data.requestType));
      }),
      { numRuns: 200 },
    );
  });

  it('billed-cost totals equal the reference exactly, as decimal strings', () => {
    fc.assert(
      fc.property(delivery, ({ events, arrived }) => {
        for (const [, groupOf, refGroupOf] of GROUPINGS) {
          const amounts = new Map([...costTotals(arrived, groupOf)].map(([group, total]) => [group, total.amount]));
          expect(amounts).toEqual(referenceCosts(events, refGroupOf));
        }
        const perLine = new Map([...costTotals(arrived, byLineItem)].map(([group, total]) => [group, total.amount]));
        expect(perLine).toEqual(referenceCosts(events, (e) => e.data.lineItem));
      }),
      { numRuns: 200 },
    );
  });

  it('picks the same winner per key whatever the order, and a store that keeps the first copy of an id agrees', () => {
    fc.assert(
      fc.property(delivery, ({ events, arrived }) => {
        const winners = (map: ReadonlyMap<string, UsageLedgerEvent>) => new Set([...map.values()].map((event) => event.id));
        const expected = new Set([
          ...referenceWinners(events.filter((e): e is UsageObserved => e.type === 'UsageObserved.v1'), usageKeyOf),
          ...referenceWinners(events.filter((e): e is CostReported => e.type === 'CostReported.v1'), costKeyOf),
        ].map((event) => event.id));
        expect(winners(foldLatest(arrived))).toEqual(expected);
        expect(winners(foldLatest([...arrived].reverse()))).toEqual(expected);
        const stored = new Map<string, UsageLedgerEvent>();
        for (const event of arrived) if (!stored.has(event.id)) stored.set(event.id, event);
        expect(winners(foldLatest(stored.values()))).toEqual(expected);
        expect(latestUsage(arrived).size + latestCosts(arrived).size).toBe(expected.size);
      }),
      { numRuns: 200 },
    );
  });
});

describe('latest-wins fold (examples)', () => {
  const observe = (observedAt: string, output: number, final = false) => {
    const result = observeUsage({
      workspaceId: 'ws_a', accountId: 'acc_1', day: '2026-03-05', provider: 'openai', model: 'gpt-4o', operation: 'chat/completions',
      tokens: { output }, source: 'usage-api', observedAt, final,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.value;
  };

  it('replaces, never adds: a growing partial day counts once, at its latest value', () => {
    const events = [observe('2026-03-05T10:00:00Z', 100), observe('2026-03-05T16:00:00Z', 250), observe('2026-03-06T03:00:00Z', 300, true)];
    const totals = usageTotals([...events, ...events], overall).get('all');
    expect(totals).toMatchObject({ observations: 1, pending: 0 });
    expect(totals?.tokens.output).toBe(300);
  });

  it('a late-arriving older observation does not replace a newer one', () => {
    const newer = observe('2026-03-05T16:00:00Z', 250);
    const older = observe('2026-03-05T10:00:00Z', 100);
    expect(usageTotals([newer, older], overall).get('all')).toMatchObject({ tokens: { output: 250 }, pending: 1 });
  });

  it('ties on observedAt are broken by event id, the same way in both orders', () => {
    const a = observe('2026-03-05T16:00:00Z', 1);
    const b = observe('2026-03-05T16:00:00Z', 2);
    const winner = a.id > b.id ? a : b;
    expect([...foldLatest([a, b]).values()]).toEqual([winner]);
    expect([...foldLatest([b, a]).values()]).toEqual([winner]);
  });
});
