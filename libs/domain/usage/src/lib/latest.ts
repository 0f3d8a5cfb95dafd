import { COST_REPORTED, CostReported, USAGE_OBSERVED, UsageLedgerEvent, UsageObserved } from './events';
import { costKeyString, usageKeyString } from './ids';
import { canonicalJson, Json } from './json';

/** The key string an event belongs to: events with the same key replace each other. */
export function keyOf(event: UsageLedgerEvent): string {
  return event.type === COST_REPORTED ? costKeyString(event.data) : usageKeyString(event.data);
}

/**
 * Total order on observations of one key: later `observedAt` first, then the greater event id,
 * then (only for copies of one id that differ in what the id does not cover) the greater
 * canonical JSON of the data. Positive when `a` wins. A total order is what makes the fold
 * independent of the order events arrive in: replays, retries and re-sends change nothing.
 * `observedAt` is fixed-width (`normalizeInstant`), so string order is time order.
 */
export function compareLatest(a: UsageLedgerEvent, b: UsageLedgerEvent): number {
  if (a.data.observedAt !== b.data.observedAt) return a.data.observedAt > b.data.observedAt ? 1 : -1;
  if (a.id !== b.id) return a.id > b.id ? 1 : -1;
  const ja = canonicalJson(a.data as unknown as Json);
  const jb = canonicalJson(b.data as unknown as Json);
  return ja === jb ? 0 : ja > jb ? 1 : -1;
}

/**
 * The current observation per key: for each key the event that wins `compareLatest`.
 * Any order, any number of copies of the same events gives the same map contents.
 */
export function foldLatest<E extends UsageLedgerEvent>(events: Iterable<E>): ReadonlyMap<string, E> {
  const winners = new Map<string, E>();
  for (const event of events) {
    const key = keyOf(event);
    const current = winners.get(key);
    if (current === undefined || compareLatest(event, current) > 0) winners.set(key, event);
  }
  return winners;
}

/** `foldLatest` narrowed to usage, ignoring other ledger events. */
export function latestUsage(events: Iterable<UsageLedgerEvent>): ReadonlyMap<string, UsageObserved> {
  return foldLatest(filter(events, (event): event is UsageObserved => event.type === USAGE_OBSERVED));
}

/** `foldLatest` narrowed to billed costs, ignoring other ledger events. */
export function latestCosts(events: Iterable<UsageLedgerEvent>): ReadonlyMap<string, CostReported> {
  return foldLatest(filter(events, (event): event is CostReported => event.type === COST_REPORTED));
}

function* filter<T, S extends T>(items: Iterable<T>, keep: (item: T) => item is S): Iterable<S> {
  for (const item of items) if (keep(item)) yield item;
}
