import { EventStore, RecordedEvent, WrongExpectedRevisionError } from '@act/server/event-store';
import {
  COST_REPORTED,
  compareLatest,
  decideRecord,
  keyOf,
  ledgerStreamId,
  USAGE_OBSERVED,
  type UsageLedgerEvent,
} from '@act/domain/usage';

export interface RecordUsageResult {
  /** Highest event-store position among the recorded events: pass it as `?waitFor=`. */
  readonly position: bigint;
  readonly appended: number;
  /** Observations that changed nothing (re-sends, or older than what the ledger holds). */
  readonly unchanged: number;
}

export interface RecordUsageOptions {
  /** Ledger streams (account-months) whose folded state is kept in memory, least recently used evicted. */
  readonly cachedStreams?: number;
}

const MAX_ATTEMPTS = 5;
const PAGE = 10_000;

/**
 * The fold of one ledger stream as far as `revision`: what `decideRecord` needs (`LedgerState`),
 * plus where the stream stood, so the next call reads only the events appended since.
 */
interface StreamFold {
  readonly current: Map<string, UsageLedgerEvent>;
  readonly ids: Set<string>;
  /** Revision of the last event folded in; undefined while the stream does not exist. */
  revision: bigint | undefined;
  /** Highest global position folded in (0 for an empty stream). */
  position: bigint;
}

/**
 * The one command handler of the usage ledger: records validated observations (from
 * `observeUsage` / `reportCost`). For each ledger stream it lets the domain decide what is new
 * against the stream's state (`decideRecord`: re-sends and stale observations produce nothing)
 * and appends with the stream's revision as the expected revision, retrying on a concurrent
 * write. Safe to call again with the same input: the totals never change.
 *
 * The state of recently used streams stays in memory with its revision, and each call reads only
 * the events appended since (by this or any other process), instead of folding the whole
 * account-month again: re-reading made a month of request logs sent in batches quadratic in its
 * size. Calls for one stream are serialised in this process, so the cached fold is only ever
 * advanced by a confirmed append or a read; a failed append (another process won the race, or
 * anything else) drops the entry and the next attempt folds the stream from the store.
 */
export class RecordUsageHandler {
  private readonly folds = new Map<string, StreamFold>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly cachedStreams: number;

  constructor(
    private readonly store: EventStore,
    options: RecordUsageOptions = {},
  ) {
    this.cachedStreams = options.cachedStreams ?? 1_000;
  }

  /** `context.actor`: the user who entered the observations (manual entries, imports), kept in `metadata.actorId`. */
  async handle(observations: readonly UsageLedgerEvent[], context: { readonly actor?: string } = {}): Promise<RecordUsageResult> {
    const byStream = new Map<string, UsageLedgerEvent[]>();
    for (const observation of observations) {
      const streamId = ledgerStreamId(observation.data);
      const list = byStream.get(streamId);
      if (list) list.push(observation);
      else byStream.set(streamId, [observation]);
    }
    let position = 0n;
    let appended = 0;
    const metadata = context.actor ? { actorId: context.actor } : {};
    for (const [streamId, candidates] of byStream) {
      const result = await this.serialised(streamId, () => this.recordInStream(streamId, candidates, metadata));
      if (result.position > position) position = result.position;
      appended += result.appended;
    }
    return { position, appended, unchanged: observations.length - appended };
  }

  private async recordInStream(streamId: string, candidates: readonly UsageLedgerEvent[], metadata: Record<string, unknown>) {
    for (let attempt = 1; ; attempt++) {
      const fold = await this.catchUp(streamId);
      // Decided events join the fold at once, so two candidates for one key in this batch are
      // decided against each other; the fold is dropped below if the append does not happen.
      const decided: UsageLedgerEvent[] = [];
      for (const candidate of candidates) {
        for (const event of decideRecord(fold, candidate)) {
          decided.push(event);
          fold.ids.add(event.id);
          fold.current.set(keyOf(event), event);
        }
      }
      if (decided.length === 0) return { position: fold.position, appended: 0 };
      try {
        const result = await this.store.appendToStream(streamId, decided.map((event) => ({ ...event, metadata })), {
          expectedRevision: fold.revision ?? 'no_stream',
        });
        if (result.duplicates > 0) {
          // Ids this fold did not know were stored: it is behind somehow; start afresh next time.
          this.folds.delete(streamId);
        } else {
          fold.revision = result.nextExpectedRevision;
          if (result.position > fold.position) fold.position = result.position;
        }
        return { position: result.position, appended: result.appended };
      } catch (error) {
        this.folds.delete(streamId);
        // Another writer recorded into this account-month meanwhile: decide again on the new state.
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /** The stream's fold, brought up to date with the events appended since it was last read. */
  private async catchUp(streamId: string): Promise<StreamFold> {
    let fold = this.folds.get(streamId);
    if (fold) this.folds.delete(streamId); // re-inserted below: the Map's order is the LRU order
    fold ??= { current: new Map(), ids: new Set(), revision: undefined, position: 0n };
    for (;;) {
      const fromRevision = fold.revision === undefined ? 0n : fold.revision + 1n;
      const page = await this.store.readStream(streamId, { fromRevision, limit: PAGE });
      for (const event of page) foldEvent(fold, event);
      if (page.length < PAGE) break;
    }
    this.folds.set(streamId, fold);
    if (this.folds.size > this.cachedStreams) this.folds.delete(this.folds.keys().next().value as string);
    return fold;
  }

  /** Runs `work` after every earlier call for the same stream in this process has finished. */
  private async serialised<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(streamId) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(streamId, settled);
    try {
      return await run;
    } finally {
      if (this.queues.get(streamId) === settled) this.queues.delete(streamId);
    }
  }
}

/** `ledgerState`, one event at a time: the winner per key (`compareLatest`) and every id. */
function foldEvent(fold: StreamFold, recorded: RecordedEvent): void {
  fold.revision = recorded.streamPosition;
  if (recorded.globalPosition > fold.position) fold.position = recorded.globalPosition;
  if (recorded.type !== USAGE_OBSERVED && recorded.type !== COST_REPORTED) return;
  const event = { id: recorded.id, type: recorded.type, data: recorded.data } as UsageLedgerEvent;
  fold.ids.add(event.id);
  const key = keyOf(event);
  const current = fold.current.get(key);
  if (current === undefined || compareLatest(event, current) > 0) fold.current.set(key, event);
}
