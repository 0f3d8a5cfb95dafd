/**
 * Usage, estimated cost, audit and cost versions as the API returns them. Money is a decimal
 * string (`"12.345678"`, exact, never rounded by the server) with a `currency`; days are
 * `YYYY-MM-DD` (UTC), months `YYYY-MM`, instants ISO 8601 with `Z`, positions decimal strings.
 */

/** A decimal string, e.g. `"0.00075"`. */
export type DecimalString = string;
export type UsageCurrency = 'USD';

/**
 * Where a figure stands:
 * - `estimated`: usage × the price catalogue (the price version used is recorded);
 * - `reconciled`: the provider billed it (`CostReported`, or a per-request billed cost);
 * - `manual`: entered by hand;
 * - `unpriced`: no price for the model that day (or for part of the quantities): never $0, counted apart;
 * - `pending`: the provider's data for the day is not final yet.
 */
export type CostStatus = 'estimated' | 'reconciled' | 'manual' | 'unpriced' | 'pending';
export const COST_STATUSES: readonly CostStatus[] = ['estimated', 'reconciled', 'manual', 'unpriced', 'pending'];

export type UsageGroupBy = 'provider' | 'account' | 'model' | 'project';
export const USAGE_GROUP_BYS: readonly UsageGroupBy[] = ['provider', 'account', 'model', 'project'];

/** Counts of usage rows (one per account × day × requestType) by estimate status. */
export interface CostRowCountsDto {
  rows: number;
  estimated: number;
  manual: number;
  unpriced: number;
  pending: number;
}

export interface CostBreakdownRowDto {
  /** The group's value: provider id, account id, `provider/model`, or project (null: no project). */
  key: string | null;
  provider?: string;
  model?: string;
  /** Sum of the estimates (the priced part of partly unpriced rows included). */
  estimated: DecimalString;
  /**
   * What was billed to the group; null when nothing was. Costs that came with usage (per-request
   * costs, an import's cost column, a manual amount) belong to their model and project; a provider's
   * billed line belongs to its project when it names one, and to no model (null there).
   */
  reconciled: DecimalString | null;
  counts: CostRowCountsDto;
}

/** A change to a closed month shown beside what it reported, instead of rewriting it. */
export interface AdjustmentLineDto {
  /** `recompute`: a cost version repriced the month; `late-data`: usage or bills changed after the close. */
  kind: 'recompute' | 'late-data';
  /** The cost version that made the change (recompute only). */
  costVersion: number | null;
  /** The PriceSet ids that caused it, who asked for it and when (recompute only). */
  causes: string[];
  requestedBy: string | null;
  activatedAt: string | null;
  accountId: string | null;
  provider: string | null;
  model: string | null;
  estimated: DecimalString;
  reconciled: DecimalString;
}

export interface PeriodCloseDto {
  month: string;
  closedAt: string;
  closedBy: string | null;
  /** The cost version current at the close. */
  costVersion: number;
  /** What the month reported when it was closed: never changes. */
  reported: { estimated: DecimalString; reconciled: DecimalString; counts: CostRowCountsDto };
  adjustments: AdjustmentLineDto[];
  /** Sum of the adjustments: reported + adjustments = the current figures. */
  adjustmentTotal: { estimated: DecimalString; reconciled: DecimalString };
}

export interface UsageMonthSummaryDto {
  workspaceId: string;
  month: string;
  currency: UsageCurrency;
  /** The cost version these figures are from, and the workspace's current one. */
  costVersion: number;
  currentCostVersion: number;
  /** Sum of the estimates in this version as they stand now (for a closed month, see `closed.reported`). */
  estimated: DecimalString;
  reconciled: DecimalString;
  /** True when some usage is unpriced: `estimated` is then a lower bound. */
  estimatedIsLowerBound: boolean;
  counts: CostRowCountsDto;
  byProvider: CostBreakdownRowDto[];
  byAccount: CostBreakdownRowDto[];
  byModel: CostBreakdownRowDto[];
  byProject: CostBreakdownRowDto[];
  closed: PeriodCloseDto | null;
}

export interface DailyCostPointDto {
  day: string;
  /** The group's value (see `CostBreakdownRowDto.key`). */
  key: string | null;
  /** Set when grouped by model. */
  provider?: string;
  model?: string;
  estimated: DecimalString;
  reconciled: DecimalString | null;
  counts: CostRowCountsDto;
}

export interface DailyCostSeriesDto {
  workspaceId: string;
  from: string;
  to: string;
  groupBy: UsageGroupBy;
  currency: UsageCurrency;
  costVersion: number;
  /** One point per day and group that has usage or billed cost, ordered by day then key. */
  points: DailyCostPointDto[];
}

/** One line of an audit cell: a usage requestType (estimated side) or a billed line item (reconciled side). */
export interface AuditLineDto {
  kind: 'usage' | 'billed';
  /** The requestType or the line item. */
  line: string;
  provider: string;
  model: string | null;
  estimated: DecimalString | null;
  reconciled: DecimalString | null;
  difference: DecimalString | null;
  status: CostStatus;
  /** The PriceSet (price version) used for the estimate. */
  priceSetId: string | null;
}

/** Estimated vs reconciled for one account on one day. */
export interface AuditCellDto {
  accountId: string;
  day: string;
  estimated: DecimalString | null;
  reconciled: DecimalString | null;
  /** reconciled − estimated, when both exist. */
  difference: DecimalString | null;
  status: CostStatus;
  counts: CostRowCountsDto;
  lines: AuditLineDto[];
}

export interface AuditMonthDto {
  workspaceId: string;
  month: string;
  currency: UsageCurrency;
  costVersion: number;
  currentCostVersion: number;
  cells: AuditCellDto[];
  totals: { estimated: DecimalString; reconciled: DecimalString; difference: DecimalString };
  closed: PeriodCloseDto | null;
}

/** One current observation behind an audit cell, with how it was priced. */
export interface AuditObservationDto {
  eventId: string;
  requestType: string;
  provider: string;
  model: string;
  operation: string;
  serviceTier: string;
  contextTier: string;
  project: string | null;
  source: string;
  observedAt: string;
  final: boolean;
  tokens: Record<string, number>;
  units: Record<string, number>;
  /** The provider's own numbers, as received. */
  raw: unknown;
  reportedCost: DecimalString | null;
  estimate: {
    costVersion: number;
    status: CostStatus;
    estimated: DecimalString | null;
    priceSetId: string | null;
    /** When and from which source that price version applies. */
    priceEffectiveFrom: string | null;
    priceSource: string | null;
    priceIdentity: string | null;
    match: string | null;
    note: string | null;
    lines: unknown[];
    unpriced: unknown[];
    flags: unknown[];
  } | null;
}

export interface AuditBilledLineDto {
  eventId: string;
  lineItem: string;
  amount: DecimalString;
  currency: UsageCurrency;
  source: string;
  observedAt: string;
  final: boolean;
  raw: unknown;
}

export interface AuditCellDetailDto {
  workspaceId: string;
  accountId: string;
  day: string;
  costVersion: number;
  observations: AuditObservationDto[];
  billed: AuditBilledLineDto[];
}

/** The effect of a price change per month, provider and model. */
export interface CostDeltaRowDto {
  month: string;
  accountId?: string;
  provider: string;
  model: string;
  rows: number;
  before: DecimalString;
  after: DecimalString;
  delta: DecimalString;
  becameUnpriced: number;
  becamePriced: number;
}

export interface CostVersionDto {
  version: number;
  status: 'running' | 'active' | 'superseded';
  recomputeId: string | null;
  fromVersion: number | null;
  /** PriceSets that caused it, with who set them and when. */
  causes: { priceSetId: string; provider: string | null; model: string | null; effectiveFrom: string | null; setBy: string | null; recordedAt: string | null }[];
  reason: string | null;
  requestedBy: string | null;
  requestedAt: string | null;
  activatedAt: string | null;
  rowsChanged: number | null;
  /** Sum of the changes this version made to the estimates. */
  delta: DecimalString | null;
}

export interface CostVersionDetailDto extends CostVersionDto {
  /** The difference it made per month, account, provider and model. */
  deltas: CostDeltaRowDto[];
}

export type RecomputeState = 'queued' | 'running' | 'staged' | 'done';

export interface RecomputeProgressDto {
  recomputeId: string;
  workspaceId: string;
  version: number;
  /** `queued`: started, no batch yet; `running`: batches under way; `staged`: all rows done, activation pending; `done`: the version is current. */
  state: RecomputeState;
  rowsDone: number;
  rowsTotal: number;
  rowsChanged: number;
  requestedBy: string | null;
  requestedAt: string;
  finishedAt: string | null;
  lastError: string | null;
}

export interface RecomputePreviewDto {
  workspaceId: string;
  currency: UsageCurrency;
  /** The version it would replace. */
  fromVersion: number;
  rowsInScope: number;
  rowsChanged: number;
  delta: DecimalString;
  byMonth: { month: string; before: DecimalString; after: DecimalString; delta: DecimalString; rows: number; closed: boolean }[];
  byMonthAndModel: CostDeltaRowDto[];
  /**
   * Usage recorded under a dated or versioned variant of the changed model (`gpt-4o-mini-2024-07-18`,
   * `-0125`, `-latest` for `gpt-4o-mini`, same provider) that has a catalogue price of its own, so the
   * change does not reach it: rows on or after `effectiveFrom` and their current estimate. Empty
   * without a price change.
   */
  unaffectedVariants: { provider: string; model: string; rows: number; estimated: DecimalString }[];
}

/** `GET /workspaces/{ws}/usage/events`: one current observation behind a cell, with its account. */
export interface UsageEventDto extends AuditObservationDto {
  accountId: string;
}

/** `GET /workspaces/{ws}/usage/events?day=&accountId=&requestType=`: the observations behind a cell, as a list. */
export interface UsageEventsPageDto {
  workspaceId: string;
  day: string;
  /** The account asked for; null: every account with usage that day. */
  accountId: string | null;
  requestType: string | null;
  costVersion: number;
  items: UsageEventDto[];
  /** Always null: a cell has few observations. */
  nextCursor: null;
}

/** `GET /workspaces/{ws}/cost-versions`: newest first; version 1 always exists. */
export interface CostVersionPageDto {
  items: CostVersionDto[];
  nextCursor: null;
}

/** `POST /workspaces/{ws}/periods/{month}/close`. */
export interface PeriodClosedDto {
  month: string;
  /** Event-store position to wait for (`?waitFor=`). */
  position: string;
  /** False when the month was already closed (closing again changes nothing). */
  closedNow: boolean;
}

/** `POST /workspaces/{ws}/recomputes?dryRun=false` (202): the recompute to follow at `GET …/recomputes/{recomputeId}`. */
export interface RecomputeStartedDto {
  /** Null when a recompute was already running: the change is queued behind it (`queuedBehind`). */
  recomputeId: string | null;
  version: number | null;
  position: string;
  /** The price version set, when a price change was applied. */
  priceSetId: string | null;
  queuedBehind: string | null;
  /** Estimate rows the change reprices. */
  rowsChanged: number;
}

/** `GET /workspaces/{ws}/export?format=`: csv and json (our columns), focus (FOCUS 1.2 Cost and Usage, CSV). */
export type UsageExportFormat = 'csv' | 'json' | 'focus';
export const USAGE_EXPORT_FORMATS: readonly UsageExportFormat[] = ['csv', 'json', 'focus'];
