import type { EventStore, RecordedEvent } from '@act/server/event-store';
import {
  COST_REPORTED,
  foldLatest,
  keyOf,
  latestUsage,
  ledgerStreamId,
  USAGE_OBSERVED,
  usageKeyString,
  type UsageKey,
  type UsageLedgerEvent,
  type UsageObserved,
} from '@act/domain/usage';
import { isOfficialSource } from '@act/domain/request-usage';

const PAGE = 10_000;

/**
 * The current observation of ledger keys, straight from their streams (not from a read model,
 * which may lag): what a write decides on.
 */
export class LedgerReader {
  constructor(private readonly store: EventStore) {}

  /** The current observation per key string (`usageKeyString`), for keys that have one. */
  async current(keys: readonly UsageKey[]): Promise<Map<string, UsageObserved>> {
    const streams = new Set(keys.map((key) => ledgerStreamId(key)));
    const wanted = new Set(keys.map((key) => usageKeyString(key)));
    const out = new Map<string, UsageObserved>();
    for (const streamId of streams) {
      const events = await this.readStream(streamId);
      for (const [key, event] of latestUsage(events)) if (wanted.has(key)) out.set(key, event);
    }
    return out;
  }

  /** The current event (usage or billed cost) of each candidate's key, by `keyOf`. */
  async currentFor(candidates: readonly UsageLedgerEvent[]): Promise<Map<string, UsageLedgerEvent>> {
    const streams = new Set(candidates.map((event) => ledgerStreamId(event.data)));
    const wanted = new Set(candidates.map((event) => keyOf(event)));
    const out = new Map<string, UsageLedgerEvent>();
    for (const streamId of streams) {
      for (const [key, event] of foldLatest(await this.readStream(streamId, true))) if (wanted.has(key)) out.set(key, event);
    }
    return out;
  }

  async currentOf(key: UsageKey): Promise<UsageObserved | undefined> {
    return (await this.current([key])).get(usageKeyString(key));
  }

  /**
   * One read of the key's stream (its account-month) for what a request-log fold decides on: the
   * key's current observation, and whether any current observation of the key's account-day
   * comes from the provider's usage API (then the day's official numbers are the totals).
   */
  async dayOf(key: UsageKey): Promise<{ current: UsageObserved | undefined; officialDay: boolean }> {
    const latest = latestUsage(await this.readStream(ledgerStreamId(key)));
    let officialDay = false;
    for (const event of latest.values()) {
      if (event.data.day === key.day && event.data.accountId === key.accountId && isOfficialSource(event.data.source)) officialDay = true;
    }
    return { current: latest.get(usageKeyString(key)), officialDay };
  }

  private async readStream(streamId: string, withCosts = false): Promise<UsageLedgerEvent[]> {
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await this.store.readStream(streamId, { fromRevision: BigInt(events.length), limit: PAGE });
      events.push(...page);
      if (page.length < PAGE) break;
    }
    return events
      .filter((event) => event.type === USAGE_OBSERVED || (withCosts && event.type === COST_REPORTED))
      .map((event) => ({ id: event.id, type: event.type, data: event.data }) as UsageLedgerEvent);
  }
}

/** The instant after which an observation replaces `current`: now, but never before the day starts or before `current`. */
export function nextObservedAt(now: Date, day: string, current: UsageLedgerEvent | undefined): string {
  const candidates = [now.toISOString(), `${day}T00:00:00.000Z`];
  if (current) candidates.push(new Date(Date.parse(current.data.observedAt) + 1).toISOString());
  return candidates.reduce((a, b) => (b > a ? b : a));
}

/** Whether an observation at `observedAt` for `day` may be final: only once the UTC day is over. */
export function isAfterDay(observedAt: string, day: string): boolean {
  return observedAt >= `${new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`;
}
