import { LedgerDecimal, OTHER_UNITS, TOKEN_CLASSES, type OtherUnits, type TokenCounts, type UsageSource } from '@act/domain/usage';

/*
 * Official usage vs request logs.
 *
 * An account may have both the provider's usage API (synced, source `usage-api`) and request
 * logs sent by its clients (`POST /ingest/usage`, source `request-log`) for the same day. The
 * two never add up: for an account-day that the usage API reported at all, the official numbers
 * are the totals and the request logs only measure how complete the logging is. Keys differ
 * between the two more often than not (the usage API reports per project, clients often log
 * without one; a client may log a model alias), so the rule is per account-day, not per key.
 * What is left is the coverage gap: per account, day and kind of usage (model, operation, tiers),
 * what the provider saw that nobody logged, or what was logged that the provider did not report.
 */

/** Whether observations from `source` are the provider's authoritative numbers for their account-day. */
export function isOfficialSource(source: UsageSource): boolean {
  return source === 'usage-api';
}

/**
 * What a request-log total becomes on an account-day the usage API reported: zero counts, no
 * cost. Recorded in place of the total, so the key no longer adds to the day (latest wins);
 * constant content, so folding the key again records nothing new.
 */
export function supersededRequestLog(): { tokens: TokenCounts; units: OtherUnits; raw: { supersededBy: 'usage-api' } } {
  return {
    tokens: Object.fromEntries(TOKEN_CLASSES.map((name) => [name, 0])) as unknown as TokenCounts,
    units: Object.fromEntries(OTHER_UNITS.map((name) => [name, 0])) as unknown as OtherUnits,
    raw: { supersededBy: 'usage-api' },
  };
}

/** One side (official or logged) of a coverage row: counts and their estimated cost. */
export interface CoverageSide {
  readonly tokens: TokenCounts;
  readonly units: OtherUnits;
  /** Estimated cost in USD, exact decimal string; null when nothing of it could be priced. */
  readonly cost: string | null;
  /** True when some non-zero quantity has no price: `cost` is then a lower bound. */
  readonly partlyUnpriced: boolean;
}

export type CoverageStatus = 'covered' | 'not-logged' | 'not-seen' | 'mixed';

export interface CoverageGap {
  /** Official − logged, per token class and unit (positive: the provider saw more than was logged). */
  readonly tokens: TokenCounts;
  readonly units: OtherUnits;
  /** Official − logged estimated cost; null when either side has no price at all. */
  readonly cost: string | null;
  /** Sum over token classes of official − logged. */
  readonly totalTokens: number;
  /**
   * `covered`: every count equal. `not-logged`: the provider saw more (some usage was not
   * logged) and nothing less. `not-seen`: more was logged than the provider reported. `mixed`:
   * some counts more, some less (e.g. a model logged under another name).
   */
  readonly status: CoverageStatus;
}

export const NO_SIDE: CoverageSide = {
  tokens: Object.fromEntries(TOKEN_CLASSES.map((name) => [name, 0])) as unknown as TokenCounts,
  units: Object.fromEntries(OTHER_UNITS.map((name) => [name, 0])) as unknown as OtherUnits,
  cost: '0',
  partlyUnpriced: false,
};

/** The difference between what the provider reported and what was logged for one row. */
export function coverageGap(official: CoverageSide, logged: CoverageSide): CoverageGap {
  let more = false;
  let less = false;
  const diff = (a: number, b: number): number => {
    const d = a - b;
    if (d > 0) more = true;
    if (d < 0) less = true;
    return d;
  };
  const tokens = Object.fromEntries(TOKEN_CLASSES.map((name) => [name, diff(official.tokens[name], logged.tokens[name])])) as unknown as TokenCounts;
  const units = Object.fromEntries(OTHER_UNITS.map((name) => [name, diff(official.units[name], logged.units[name])])) as unknown as OtherUnits;
  const totalTokens = TOKEN_CLASSES.reduce((sum, name) => sum + tokens[name], 0);
  const cost = official.cost === null || logged.cost === null ? null : normalized(new LedgerDecimal(official.cost).minus(logged.cost));
  const status: CoverageStatus = more && less ? 'mixed' : more ? 'not-logged' : less ? 'not-seen' : 'covered';
  return { tokens, units, cost, totalTokens, status };
}

function normalized(value: InstanceType<typeof LedgerDecimal>): string {
  return value.isZero() ? '0' : value.toFixed();
}
