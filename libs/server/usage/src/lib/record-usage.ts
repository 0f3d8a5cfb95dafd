import { EventStore, RecordedEvent, WrongExpectedRevisionError } from '@act/server/event-store';
import {
  COST_REPORTED,
  decideRecord,
  keyOf,
  ledgerState,
  ledgerStreamId,
  USAGE_OBSERVED,
  type LedgerState,
  type UsageLedgerEvent,
} from '@act/domain/usage';

export interface RecordUsageResult {
  /** Highest event-store position among the recorded events: pass it as `?waitFor=`. */
  readonly position: bigint;
  readonly appended: number;
  /** Observations that changed nothing (re-sends, or older than what the ledger holds). */
  readonly unchanged: number;
}

const MAX_ATTEMPTS = 5;
const PAGE = 10_000;

/**
 * The one command handler of the usage ledger: records validated observations (from
 * `observeUsage` / `reportCost`). For each ledger stream it loads the stream, lets the domain
 * decide what is new (`decideRecord`: re-sends and stale observations produce nothing), and
 * appends with the stream's revision as the expected revision, retrying on a concurrent write.
 * Safe to call again with the same input: the totals never change.
 */
export class RecordUsageHandler {
  constructor(private readonly store: EventStore) {}

  /** `context.actor`: the user who entered the observations (manual entries, imports), kept in `metadata.actorId`. */
  async handle(observations: readonly UsageLedgerEvent[], context: { readonly actor?: string } = {}): Promise<RecordUsageResult> {
    const byStream = new Map<string, UsageLedgerEvent[]>();
    for (const observation of observations) {
      const streamId = ledgerStreamId(observation.data);
      byStream.set(streamId, [...(byStream.get(streamId) ?? []), observation]);
    }
    let position = 0n;
    let appended = 0;
    for (const [streamId, candidates] of byStream) {
      const result = await this.recordInStream(streamId, candidates, context.actor ? { actorId: context.actor } : {});
      if (result.position > position) position = result.position;
      appended += result.appended;
    }
    return { position, appended, unchanged: observations.length - appended };
  }

  private async recordInStream(streamId: string, candidates: readonly UsageLedgerEvent[], metadata: Record<string, unknown>) {
    for (let attempt = 1; ; attempt++) {
      const history = await this.readWholeStream(streamId);
      const state = mutableState(ledgerState(history.map(toLedgerEvent).filter((e) => e !== null)));
      const decided: UsageLedgerEvent[] = [];
      for (const candidate of candidates) {
        for (const event of decideRecord(state, candidate)) {
          decided.push(event);
          state.ids.add(event.id);
          state.current.set(keyOf(event), event);
        }
      }
      const last = history[history.length - 1];
      if (decided.length === 0) return { position: last?.globalPosition ?? 0n, appended: 0 };
      try {
        const result = await this.store.appendToStream(streamId, decided.map((event) => ({ ...event, metadata })), {
          expectedRevision: last ? last.streamPosition : 'no_stream',
        });
        return { position: result.position, appended: result.appended };
      } catch (error) {
        // Another writer recorded into this account-month meanwhile: decide again on the new state.
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async readWholeStream(streamId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await this.store.readStream(streamId, { fromRevision: BigInt(events.length), limit: PAGE });
      events.push(...page);
      if (page.length < PAGE) return events;
    }
  }
}

function mutableState(state: LedgerState): { current: Map<string, UsageLedgerEvent>; ids: Set<string> } {
  return { current: new Map(state.current), ids: new Set(state.ids) };
}

function toLedgerEvent(event: RecordedEvent): UsageLedgerEvent | null {
  if (event.type !== USAGE_OBSERVED && event.type !== COST_REPORTED) return null;
  return { id: event.id, type: event.type, data: event.data } as UsageLedgerEvent;
}
