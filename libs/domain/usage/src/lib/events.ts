import type { DomainEvent } from '@act/domain/event-sourcing';
import type { Json } from './json';
import type { ContextTier, OtherUnits, ServiceTier, TokenCounts } from './quantities';
import type { Operation } from './request-type';

/*
 * Event type names carry their schema version (`<Name>.v<n>`). Optional fields may be added
 * to a version freely; a change of meaning gets a new version and an upcaster, and projections
 * subscribe to the exact names they understand.
 */
export const USAGE_OBSERVED = 'UsageObserved.v1';
export const COST_REPORTED = 'CostReported.v1';

/** Where an observation came from. */
export type UsageSource = 'usage-api' | 'request-log' | 'manual' | 'import';
export const USAGE_SOURCES: readonly UsageSource[] = ['usage-api', 'request-log', 'manual', 'import'];

/** Only USD for now; the field exists so another currency is an addition, not a migration. */
export type Currency = 'USD';

/** A money amount: a plain decimal string (no exponent, no trailing zeros), never a JS number. */
export interface Money {
  readonly amount: string;
  readonly currency: Currency;
}

/** What identifies one observation; a newer observation with the same key replaces the older one. */
export interface UsageKey {
  readonly workspaceId: string;
  readonly accountId: string;
  /** UTC calendar day, `YYYY-MM-DD`. */
  readonly day: string;
  /** Canonical, see `buildRequestType`: provider, model, operation and every price dimension. */
  readonly requestType: string;
}

export interface UsageObservedData extends UsageKey {
  /** The parts the requestType was built from, kept for grouping without parsing. */
  readonly provider: string;
  readonly model: string;
  readonly operation: Operation;
  readonly serviceTier: ServiceTier;
  readonly contextTier: ContextTier;
  readonly project?: string;
  readonly tokens: TokenCounts;
  readonly units: OtherUnits;
  /** The provider's own numbers, for the audit trail. Never used to compute anything. */
  readonly raw: Json;
  readonly source: UsageSource;
  /** When the numbers were read, `YYYY-MM-DDTHH:MM:SS.sssZ`; the newest observation wins. */
  readonly observedAt: string;
  /** False while the provider may still change the day's numbers: shown as `pending`. */
  readonly final: boolean;
  /** What the provider billed for this usage when it says so per request (Perplexity, OpenRouter, xAI). */
  readonly reportedCost?: Money;
}

/**
 * One observation of usage for one (workspace, account, UTC day, requestType): the totals for
 * that key as the source saw them at `observedAt`, not an increment. `id` is derived from the
 * key and the numbers (see `usageObservedId`), so re-sending the same numbers is a no-op.
 */
export interface UsageObserved extends DomainEvent<typeof USAGE_OBSERVED, UsageObservedData> {
  readonly id: string;
}

export interface CostKey {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly day: string;
  /** Canonical, see `buildLineItem`. */
  readonly lineItem: string;
}

export interface CostReportedData extends CostKey {
  /** Decimal string; may be negative (credits and adjustments are billed lines too). */
  readonly amount: string;
  readonly currency: Currency;
  readonly raw: Json;
  readonly source: UsageSource;
  readonly observedAt: string;
  readonly final: boolean;
}

/**
 * What the provider billed for one (workspace, account, UTC day, line item): the reconciled side.
 * Same rules as `UsageObserved`: content-derived id, the newest observation per key wins.
 */
export interface CostReported extends DomainEvent<typeof COST_REPORTED, CostReportedData> {
  readonly id: string;
}

export type UsageLedgerEvent = UsageObserved | CostReported;
