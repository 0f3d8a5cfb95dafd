import type { UsageLedgerEvent } from './events';
import { costContent, revisionId, usageContent } from './ids';
import { COST_REPORTED } from './events';
import { compareLatest, foldLatest, keyOf } from './latest';

/** What deciding a new observation needs from one ledger stream. */
export interface LedgerState {
  /** The current observation per key (`foldLatest`). */
  readonly current: ReadonlyMap<string, UsageLedgerEvent>;
  /** Every event id already in the stream. */
  readonly ids: ReadonlySet<string>;
}

export function ledgerState(history: Iterable<UsageLedgerEvent>): LedgerState {
  const events = [...history];
  return { current: foldLatest(events), ids: new Set(events.map((event) => event.id)) };
}

/**
 * The events to append for a validated observation (from `observeUsage` / `reportCost`),
 * given the state of its stream (`ledgerState` over `ledgerStreamId`):
 * - none when the key's current observation already has these numbers (a re-send);
 * - none when it is older than the current one (it would not change anything);
 * - otherwise the observation, under its content id, except when that id is already in the
 *   stream: the key is going back to numbers it had before (A → B → A, e.g. a manual entry
 *   undone, a provider reverting a revision). The store would drop the content id as a
 *   duplicate and B would stay current, so the event gets `revisionId(contentId, B's id)`,
 *   which is as deterministic: a retry of the same decision produces the same id again.
 * Appending the content id without deciding is safe for re-sends, but misses that A → B → A case.
 */
export function decideRecord<E extends UsageLedgerEvent>(state: LedgerState, candidate: E): readonly E[] {
  const current = state.current.get(keyOf(candidate));
  if (current !== undefined && contentOf(current) === contentOf(candidate)) return [];
  let id = candidate.id;
  while (state.ids.has(id)) id = revisionId(id, current?.id ?? '');
  const event: E = { ...candidate, id };
  if (current !== undefined && compareLatest(event, current) <= 0) return [];
  return [event];
}

function contentOf(event: UsageLedgerEvent): string {
  return event.type === COST_REPORTED ? costContent(event.data) : usageContent(event.data);
}
