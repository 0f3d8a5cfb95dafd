/**
 * The price catalogue as the API returns it. Prices are decimal strings in USD per unit
 * (per token for token classes), exact as stored in the `PriceSet` events.
 */

export type PriceSourceDto = 'catalogue' | 'override';
/** Where a price version applies: the shipped catalogue, every workspace (instance override), one workspace. */
export type PriceScopeDto = 'catalogue' | 'instance' | 'workspace';

/** Token prices by class; an absent class has no known price (never 0). */
export interface TokenPricesDto {
  input?: string;
  output?: string;
  cacheRead?: string;
  cacheWrite5m?: string;
  cacheWrite1h?: string;
  reasoning?: string;
}

/** A price sheet as stored in a `PriceSet.v1` event. */
export interface PriceSheetDto extends TokenPricesDto {
  batch?: TokenPricesDto;
  priority?: TokenPricesDto;
  flex?: TokenPricesDto;
  longContext?: TokenPricesDto & { thresholdTokens: number; batch?: TokenPricesDto; priority?: TokenPricesDto; flex?: TokenPricesDto };
  perRequest?: string;
  searchContextPerQuery?: { low?: string; medium?: string; high?: string };
  perImage?: string;
  perAudioSecond?: string;
  perCharacter?: string;
}

/** One price version (one `PriceSet` event). */
export interface PriceVersionDto {
  /** The PriceSet event id: what estimates record as their price version. */
  priceSetId: string;
  provider: string;
  model: string;
  effectiveFrom: string;
  source: PriceSourceDto;
  scope: PriceScopeDto;
  catalogueKey: string | null;
  /** Who set it (user id); null for the shipped catalogue. */
  setBy: string | null;
  recordedAt: string;
  /** The version it corrects on the same day, if any. */
  supersedes: string | null;
  currency: 'USD';
  prices: PriceSheetDto;
  /** Event-store position: versions are ordered by it. */
  position: string;
}

/** The version in force for a model on a day, for the catalogue page. */
export interface PriceEntryDto extends PriceVersionDto {
  /** How many versions the model has in this view (catalogue, instance and workspace). */
  versions: number;
}

export interface PriceSearchQueryDto {
  provider?: string;
  /** Exact model (as priced). */
  model?: string;
  /** Substring of provider, model or catalogue key, case-insensitive. */
  q?: string;
  /** The day the prices should be in force on (default today). */
  day?: string;
  limit?: number;
  cursor?: string;
}

export interface PriceSearchResultDto {
  items: PriceEntryDto[];
  nextCursor: string | null;
}

export interface PriceHistoryDto {
  provider: string;
  model: string;
  /** Every version visible to the workspace, oldest first (log order). */
  versions: PriceVersionDto[];
}

/** Setting a price (override) from a workspace, and previewing it before applying it. */
export interface SetPriceRequestDto {
  provider: string;
  model: string;
  prices: PriceSheetDto;
  effectiveFrom: string;
}

/** `POST /workspaces/{ws}/prices` (201): the price version set and the recompute it started. */
export interface AppliedPriceChangeDto {
  /** The new price version (PriceSet id); the existing one when the same prices were already set for that day. */
  priceSetId: string;
  /** Event-store position to wait for (`?waitFor=`). */
  position: string;
  /** The recompute started; null when no recorded usage changes, or when one was running (see `queuedBehind`). */
  recompute: { recomputeId: string; version: number } | null;
  /** Set when another recompute was running: this change follows it automatically. */
  queuedBehind: string | null;
  /** Estimate rows the change reprices. */
  rowsChanged: number;
}
