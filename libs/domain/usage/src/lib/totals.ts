import type { CostKey, CostReportedData, Currency, UsageLedgerEvent, UsageObservedData } from './events';
import { latestCosts, latestUsage } from './latest';
import { sumAmounts } from './money';
import { NO_TOKENS, NO_UNITS, OTHER_UNITS, OtherUnits, TOKEN_CLASSES, TokenCounts } from './quantities';

export interface UsageTotals {
  readonly tokens: TokenCounts;
  readonly units: OtherUnits;
  /** How many current observations (keys) were summed. */
  readonly observations: number;
  /** How many of them are not final yet: the group's total may still change. */
  readonly pending: number;
}

export interface CostTotals {
  /** Exact decimal string. */
  readonly amount: string;
  readonly currency: Currency;
  readonly observations: number;
  readonly pending: number;
}

/**
 * A count total passed Number.MAX_SAFE_INTEGER (about 9 × 10^15), beyond which a JS number
 * stops counting exactly. No real ledger comes near it (9 × 10^15 tokens cost over $100 million
 * even at $0.02 per million), so it is treated as a bug to surface loudly rather than a case to
 * carry with BigInt: totals stay plain numbers for read models and JSON.
 */
export class TotalTooLargeError extends RangeError {
  constructor(
    readonly field: string,
    readonly group: string,
  ) {
    super(`The total of ${field} for "${group}" exceeds ${Number.MAX_SAFE_INTEGER} and cannot be counted exactly.`);
    this.name = 'TotalTooLargeError';
  }
}

/** Group keys for the totals functions. */
export const byDay = (data: { readonly day: string }): string => data.day;
/** `<workspaceId>.<accountId>` ('.' cannot occur in either id). */
export const byAccount = (data: Pick<CostKey, 'workspaceId' | 'accountId'>): string => `${data.workspaceId}.${data.accountId}`;
export const byRequestType = (data: UsageObservedData): string => data.requestType;
export const byLineItem = (data: CostReportedData): string => data.lineItem;
export const overall = (): string => 'all';

/**
 * Usage totals per group. Folds latest-wins first, so a raw history (with revisions, re-sends,
 * in any order) gives the same totals as its current observations: a total never doubles.
 */
export function usageTotals(
  events: Iterable<UsageLedgerEvent>,
  groupOf: (data: UsageObservedData) => string,
): ReadonlyMap<string, UsageTotals> {
  const groups = new Map<string, { tokens: Record<string, number>; units: Record<string, number>; observations: number; pending: number }>();
  for (const { data } of latestUsage(events).values()) {
    const group = groupOf(data);
    let sum = groups.get(group);
    if (sum === undefined) {
      sum = { tokens: { ...NO_TOKENS }, units: { ...NO_UNITS }, observations: 0, pending: 0 };
      groups.set(group, sum);
    }
    const tokens = data.tokens as unknown as Record<string, number>;
    const units = data.units as unknown as Record<string, number>;
    for (const name of TOKEN_CLASSES) sum.tokens[name] = addCount(sum.tokens[name], tokens[name] ?? 0, `tokens.${name}`, group);
    for (const name of OTHER_UNITS) sum.units[name] = addCount(sum.units[name], units[name] ?? 0, `units.${name}`, group);
    sum.observations += 1;
    if (!data.final) sum.pending += 1;
  }
  const out = new Map<string, UsageTotals>();
  for (const [group, sum] of groups) {
    out.set(group, {
      tokens: sum.tokens as unknown as TokenCounts,
      units: sum.units as unknown as OtherUnits,
      observations: sum.observations,
      pending: sum.pending,
    });
  }
  return out;
}

/** Billed-cost totals per group, summed exactly with Decimal after folding latest-wins. */
export function costTotals(
  events: Iterable<UsageLedgerEvent>,
  groupOf: (data: CostReportedData) => string,
): ReadonlyMap<string, CostTotals> {
  const groups = new Map<string, CostReportedData[]>();
  for (const { data } of latestCosts(events).values()) {
    const group = groupOf(data);
    const list = groups.get(group);
    if (list === undefined) groups.set(group, [data]);
    else list.push(data);
  }
  const out = new Map<string, CostTotals>();
  for (const [group, list] of groups) {
    out.set(group, {
      amount: sumAmounts(list.map((data) => data.amount)),
      currency: 'USD',
      observations: list.length,
      pending: list.filter((data) => !data.final).length,
    });
  }
  return out;
}

function addCount(a: number, b: number, field: string, group: string): number {
  // Both operands are safe integers, so a true sum above the limit is also above it after
  // floating-point rounding: the check cannot miss.
  const sum = a + b;
  if (sum > Number.MAX_SAFE_INTEGER) throw new TotalTooLargeError(field, group);
  return sum;
}
