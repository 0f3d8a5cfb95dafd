import { NO_TOKENS, NO_UNITS, OTHER_UNITS, sumAmounts, TOKEN_CLASSES, type OtherUnits, type TokenCounts } from '@act/domain/usage';

/** What one request contributes to its day's total. */
export interface RequestContribution {
  readonly tokens: TokenCounts;
  readonly units: OtherUnits;
  /** USD decimal string, or null when the provider reported no billed cost. */
  readonly reportedCost: string | null;
}

/** The total of a set of requests of one (account, day, requestType). */
export interface RequestTotals {
  readonly tokens: TokenCounts;
  readonly units: OtherUnits;
  readonly requests: number;
  /** How many of the requests carried a billed cost, and its exact sum. */
  readonly costedRequests: number;
  readonly costSum: string;
  /**
   * The day's billed cost: the exact sum when every request carried one, else null. A partial
   * sum would look like the whole bill and understate it.
   */
  readonly reportedCost: string | null;
}

/**
 * The reference sum of requests into a day's total: counts add up exactly, costs with Decimal.
 * The ingest server computes the same sums in SQL; its property tests compare against this.
 */
export function sumRequests(requests: Iterable<RequestContribution>): RequestTotals {
  const tokens: Record<string, number> = { ...NO_TOKENS };
  const units: Record<string, number> = { ...NO_UNITS };
  const costs: string[] = [];
  let count = 0;
  for (const request of requests) {
    count += 1;
    for (const name of TOKEN_CLASSES) tokens[name] = add(tokens[name], request.tokens[name], name);
    for (const name of OTHER_UNITS) units[name] = add(units[name], request.units[name], name);
    if (request.reportedCost !== null) costs.push(request.reportedCost);
  }
  const costSum = sumAmounts(costs);
  return {
    tokens: tokens as unknown as TokenCounts,
    units: units as unknown as OtherUnits,
    requests: count,
    costedRequests: costs.length,
    costSum,
    reportedCost: count > 0 && costs.length === count ? costSum : null,
  };
}

function add(a: number, b: number, name: string): number {
  const sum = a + b;
  if (sum > Number.MAX_SAFE_INTEGER) throw new RangeError(`The total of ${name} exceeds ${Number.MAX_SAFE_INTEGER}.`);
  return sum;
}
