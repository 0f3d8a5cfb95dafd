import { randomUUID } from 'node:crypto';
import { KurrentDBClient, streamNameFilter, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import {
  AppendOptions,
  AppendResult,
  AppendSignal,
  EventStore,
  NewEvent,
  pollingSubscription,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '@act/server/event-store';
import {
  APPLICATION_STREAMS_REGEX,
  assertClaimedFor,
  checkExpectedRevision,
  claimOwner,
  claimStreamName,
  countOwnAppended,
  fromResolved,
  isStreamNotFound,
  isWrongExpectedVersion,
  pinnedStreamState,
  planAppend,
  StoredId,
  toClaimEventData,
  toEventData,
  toStoredId,
  toWrongExpectedRevision,
  validateBatch,
} from './mapping';
import { findHeadPosition, readApplicationEvents } from './all-pages';
import { StreamIdIndex, StreamIds } from './stream-id-index';

export interface KurrentDbEventStoreOptions {
  /** How often a caught-up subscription looks for events appended by other processes (ms). */
  pollIntervalMs?: number;
  /** Event ids kept in memory (all streams together) so appends read only a stream's tail. */
  maxCachedIds?: number;
  /** Attempts of one append that keeps losing the race for its stream's revision. */
  maxAppendAttempts?: number;
  /** Claims written at once by one append. */
  claimConcurrency?: number;
}

/** The filter of every `$all` read: application streams only (no `$…`, no id claims). */
const APPLICATION_STREAMS = () => streamNameFilter({ regex: APPLICATION_STREAMS_REGEX });

/**
 * The event store on KurrentDB (EventStoreDB), for deployments that outgrow one PostgreSQL.
 * Same contract as the PostgreSQL adapter; the design notes are in this library's README.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly appended = new AppendSignal();
  private readonly index: StreamIdIndex;
  /** Ids this process has claimed, with the stream they are claimed for: no need to claim twice. */
  private readonly claimed = new Map<string, string>();
  /** Appends to one stream from this process run one at a time (see `appendToStream`). */
  private readonly streamQueues = new Map<string, Promise<unknown>>();
  private readonly pollIntervalMs: number;
  private readonly maxAppendAttempts: number;
  private readonly claimConcurrency: number;

  constructor(
    private readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 50;
    this.claimConcurrency = options.claimConcurrency ?? 16;
    this.index = new StreamIdIndex(options.maxCachedIds ?? 200_000);
  }

  /** A store on a connection string such as `kurrentdb://localhost:2113?tls=false`. */
  static connect(connectionString: string, options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString), options);
  }

  /** Fails (with the client's reason) unless the server answers a read of `$all`. Run at start. */
  async verify(): Promise<void> {
    await this.headPosition();
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const batch = validateBatch(streamId, events);
    // Writers in one process queue per stream: racing each other would only burn round trips
    // (the loser of a pinned append retries). Writers in other processes race and retry.
    const previous = this.streamQueues.get(streamId) ?? Promise.resolve();
    const run = previous.then(() => this.appendNow(streamId, events.length, batch, options));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.streamQueues.set(streamId, settled);
    void settled.then(() => {
      if (this.streamQueues.get(streamId) === settled) this.streamQueues.delete(streamId);
    });
    return run;
  }

  /**
   * One append, retried while other writers move the stream between our read and our write:
   * 1. read the stream's tail (ids since the last known revision) and drop the events already stored;
   * 2. check the caller's expected revision against what was read;
   * 3. claim the new ids (one `no_stream` write each; an id claimed for another stream is refused);
   * 4. append the new events expecting exactly the revision read in 1, so that "not stored yet"
   *    still holds at commit; on a conflict start again at 1.
   */
  private async appendNow(streamId: string, originalCount: number, batch: NewEvent[], { expectedRevision = 'any' }: AppendOptions): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const known = await this.catchUp(streamId);
      const revision = known.revision;
      const plan = planAppend(originalCount, batch, known.ids);
      if (plan.fresh.length === 0) {
        // A replay: answer as the first append did, whatever revision the caller expected.
        return { streamId, nextExpectedRevision: revision, position: plan.storedPosition, appended: 0, duplicates: plan.duplicates };
      }
      checkExpectedRevision(streamId, expectedRevision, revision);
      await this.claim(streamId, plan.fresh);

      const appendId = randomUUID();
      try {
        const result = await this.client.appendToStream(
          streamId,
          plan.fresh.map((event) => toEventData(event, appendId)),
          { streamState: pinnedStreamState(revision), requiresLeader: true },
        );
        // With throwOnAppendFailure=false in the connection string the client reports instead of throwing.
        if (!result.success) throw Object.assign(new Error('wrong expected version'), { type: 'wrong-expected-version', actualState: result.nextExpectedRevision });
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        if (attempt >= this.maxAppendAttempts) throw toWrongExpectedRevision(error, streamId, expectedRevision);
        await jitter(attempt);
        continue;
      }

      const count = plan.fresh.length;
      const readBack = await this.readIds(streamId, revision + 1n, count);
      if (!readBack) throw new Error(`Stream ${streamId} is gone right after an acknowledged append.`);
      this.index.extend(streamId, known, readBack);
      const mine = countOwnAppended(readBack, revision, count, appendId);
      if (mine > 0) this.appended.notify();
      // Acknowledged as a repeat of another writer's append, which may have carried more
      // events than ours: the stream's revision is then whatever it is now.
      const current = mine < count ? await this.catchUp(streamId) : known;
      let position = plan.storedPosition;
      for (const event of batch) {
        const stored = current.ids.get(event.id);
        if (stored === undefined) throw new Error(`Event ${event.id} is not in ${streamId} after its append was acknowledged.`);
        if (stored > position) position = stored;
      }
      return {
        streamId,
        nextExpectedRevision: mine < count ? current.revision : revision + BigInt(count),
        position,
        appended: mine,
        duplicates: plan.duplicates + (count - mine),
      };
    }
  }

  async readStream(streamId: string, { fromRevision = 0n, limit = 10_000 }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision, maxCount: limit })) {
        const event = fromResolved(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  readAll(after: bigint, limit: number): Promise<RecordedEvent[]> {
    return readApplicationEvents((from, maxCount) => this.client.readAll({ fromPosition: from, maxCount, filter: APPLICATION_STREAMS() }), after, limit);
  }

  headPosition(): Promise<bigint> {
    return findHeadPosition((from, maxCount) =>
      this.client.readAll({ direction: 'backwards', fromPosition: from, maxCount, filter: APPLICATION_STREAMS() }),
    );
  }

  subscribe(after: bigint, options: SubscribeOptions = {}): AsyncIterable<RecordedEvent[]> {
    return pollingSubscription(this, after, { ...options, pollIntervalMs: this.pollIntervalMs });
  }

  waitForAppend(ms: number, signal?: AbortSignal): Promise<void> {
    return this.appended.wait(Math.min(ms, this.pollIntervalMs), signal);
  }

  /** The stream's ids up to its current end: the cached part plus the tail read now. */
  private async catchUp(streamId: string): Promise<StreamIds> {
    const known = this.index.get(streamId);
    const tail = await this.readIds(streamId, known.revision + 1n);
    if (tail === undefined) {
      // The stream does not exist. If we knew it, it was deleted: start over from nothing.
      if (known.revision >= 0n) this.index.forget(streamId);
      return { revision: -1n, ids: new Map() };
    }
    this.index.extend(streamId, known, tail);
    return known;
  }

  /** Ids, revisions and positions of a stream from `fromRevision`; undefined when the stream does not exist. */
  private async readIds(streamId: string, fromRevision: bigint, maxCount?: number): Promise<StoredId[] | undefined> {
    const stored: StoredId[] = [];
    try {
      // From the leader: an append is acknowledged once the leader has indexed it, so this read sees it.
      for await (const resolved of this.client.readStream(streamId, { fromRevision, maxCount, requiresLeader: true })) {
        const id = toStoredId(resolved as ResolvedEvent);
        if (id) stored.push(id);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return undefined;
      throw error;
    }
    return stored;
  }

  /**
   * Reserves each new id for this stream in the id's own claim stream. The first claim of an
   * id wins for ever, so an id can only ever be appended to the stream its claim names. A
   * claim left by an append that failed afterwards stays: the id remains reserved for that
   * stream, which is what a retry needs and what any other stream must not get.
   */
  private async claim(streamId: string, events: readonly NewEvent[]): Promise<void> {
    const pending = events.filter((event) => this.claimed.get(event.id) !== streamId);
    await forEachConcurrently(pending, this.claimConcurrency, async (event) => {
      try {
        await this.client.appendToStream(claimStreamName(event.id), toClaimEventData(randomUUID(), streamId), {
          streamState: 'no_stream',
          requiresLeader: true,
        });
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        assertClaimedFor(event.id, streamId, await this.readClaim(event.id));
      }
      this.rememberClaim(event.id, streamId);
    });
  }

  private async readClaim(eventId: string): Promise<string | undefined> {
    for await (const resolved of this.client.readStream(claimStreamName(eventId), { maxCount: 1, requiresLeader: true })) {
      return claimOwner(resolved as ResolvedEvent);
    }
    return undefined;
  }

  private rememberClaim(eventId: string, streamId: string): void {
    this.claimed.set(eventId, streamId);
    // Only a shortcut: forgetting an entry costs one claim write that finds the claim in place.
    if (this.claimed.size > 100_000) this.claimed.delete(this.claimed.keys().next().value as string);
  }
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}

/** A short random pause before retrying a lost race, so racing writers spread out. */
function jitter(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(5 * attempt, 100)));
}
