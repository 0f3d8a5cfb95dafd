import { v5 as uuidv5 } from 'uuid';
import type { CostKey, CostReportedData, Money, UsageKey, UsageObservedData } from './events';
import { canonicalJson, Json } from './json';
import { OTHER_UNITS, OtherUnits, TOKEN_CLASSES, TokenCounts } from './quantities';
import { escapeSegment } from './request-type';

/**
 * The UUIDv5 namespace of every usage-ledger event id. Generated once at random for this
 * library; it must never change, or every re-sent observation would look new.
 */
export const USAGE_LEDGER_NAMESPACE = '8ba9a6ff-fa94-4b12-b8b2-aeafcb05c8d9';

/**
 * The content an observation's id covers: the numbers and the `final` flag, not `observedAt`,
 * `raw` or `source` (reading the same numbers again, at another time or from an export, is the
 * same fact). Zero counts are left out so that adding a token class or unit later does not
 * change the id of an observation that does not use it.
 */
export function usageContent(data: Pick<UsageObservedData, 'tokens' | 'units' | 'final' | 'reportedCost'>): string {
  const content: Record<string, Json> = {
    tokens: nonZero(data.tokens, TOKEN_CLASSES),
    units: nonZero(data.units, OTHER_UNITS),
    final: data.final,
  };
  if (data.reportedCost !== undefined) content['reportedCost'] = moneyJson(data.reportedCost);
  return canonicalJson(content);
}

export function costContent(data: Pick<CostReportedData, 'amount' | 'currency' | 'final'>): string {
  return canonicalJson({ ...moneyJson(data), final: data.final });
}

/** Identifies the key an observation belongs to; the same string `foldLatest` groups by. */
export function usageKeyString(key: UsageKey): string {
  return joinName(['UsageObserved', key.workspaceId, key.accountId, key.day, key.requestType]);
}

export function costKeyString(key: CostKey): string {
  return joinName(['CostReported', key.workspaceId, key.accountId, key.day, key.lineItem]);
}

/**
 * UUIDv5 over `UsageObserved|workspace|account|day|requestType|<canonical content>` (every
 * segment escaped so no two keys can produce the same name). Same key and numbers → same id,
 * which the event store drops as a duplicate; any changed number → a new id.
 */
export function usageObservedId(data: UsageObservedData): string {
  return uuidv5(`${usageKeyString(data)}|${escapeSegment(usageContent(data))}`, USAGE_LEDGER_NAMESPACE);
}

/** UUIDv5 over `CostReported|workspace|account|day|lineItem|<canonical amount, currency, final>`. */
export function costReportedId(data: CostReportedData): string {
  return uuidv5(`${costKeyString(data)}|${escapeSegment(costContent(data))}`, USAGE_LEDGER_NAMESPACE);
}

/**
 * An id derived from a content id and the id of the observation it replaces. Used only when a
 * key goes back to numbers it had before (A → B → A): the content id of A is already stored,
 * and the store would drop the correction. See `decideRecord`.
 */
export function revisionId(contentId: string, replacesId: string): string {
  return uuidv5(`revision|${contentId}|${replacesId}`, USAGE_LEDGER_NAMESPACE);
}

/*
 * Workspace and account ids are identifiers of letters, digits, '_' and '-' (UUIDs, ULIDs,
 * slugs), so '.' separates them unambiguously in a stream id even though UUIDs contain '-'.
 */
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * The event-store stream of one account's ledger for one UTC month:
 * `usage-<workspaceId>.<accountId>.<YYYY-MM>`, for UsageObserved and CostReported alike.
 * - Streams stay small (one account, one month) and cheap to load for a decision.
 * - Appends for one account and month serialize on the stream's revision; other accounts and
 *   months proceed in parallel.
 * - A key's day lies in one month, so every re-observation of a key, and every re-send of the
 *   same id, lands in the same stream: the store drops a re-sent id only within its own stream.
 * - `usage-` is the category prefix (EventStoreDB's `$ce-usage` convention).
 */
export function ledgerStreamId(key: Pick<UsageKey, 'workspaceId' | 'accountId' | 'day'>): string {
  if (!IDENTIFIER.test(key.workspaceId)) throw new RangeError(`ledgerStreamId: invalid workspaceId "${key.workspaceId}"`);
  if (!IDENTIFIER.test(key.accountId)) throw new RangeError(`ledgerStreamId: invalid accountId "${key.accountId}"`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(key.day)) throw new RangeError(`ledgerStreamId: invalid day "${key.day}"`);
  return `usage-${key.workspaceId}.${key.accountId}.${key.day.slice(0, 7)}`;
}

function joinName(segments: readonly string[]): string {
  return segments.map(escapeSegment).join('|');
}

function nonZero<K extends string>(counts: TokenCounts | OtherUnits, names: readonly K[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  const record = counts as unknown as Record<K, number>;
  for (const name of names) {
    // An event written before a class existed has no field for it: that is a 0 too.
    const count = record[name] ?? 0;
    if (count !== 0) out[name] = count;
  }
  return out;
}

function moneyJson(money: Money): Record<string, Json> {
  return { amount: money.amount, currency: money.currency };
}
