import type { AllStreamResolvedEvent, AppendStreamState, EventData, Position, ReadPosition, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { EventIdConflictError, ExpectedRevision, InvalidEventError, NewEvent, RecordedEvent, WrongExpectedRevisionError } from '@act/server/event-store';

/**
 * The pure half of the KurrentDB adapter: how our events, positions, revisions and errors map
 * onto the client's types, and the de-duplication decision. Nothing here talks to a server,
 * so all of it is unit-tested without one.
 */

/**
 * Event ids are global in the port (one stream per id, ever). KurrentDB keeps no index by
 * event id, so the adapter keeps one itself: one tiny stream per stored id, created with
 * expected state "no stream" before the event is appended (see README, "Idempotency").
 */
export const ID_CLAIM_STREAM_PREFIX = 'act-event-id-';
export const ID_CLAIM_EVENT_TYPE = 'ActEventIdClaimed';

/**
 * Metadata key carrying the id of the append attempt that wrote an event. KurrentDB answers
 * "success" to an append whose events (by id) already sit right after the expected revision
 * (its own idempotence), so two writers racing with the same batch would both be told they
 * appended it. Reading the events back and comparing this key tells the one that did from
 * the one that did not. Readers never see the key.
 */
export const APPEND_ID_KEY = 'act.appendId';

/**
 * Server-side filter for reads of `$all`: leaves out system streams (`$…`) and the id-claim
 * streams, so a page of `maxCount` holds application events only. .NET regex, matched
 * against the stream name.
 */
export const APPLICATION_STREAMS_REGEX = `^(?!\\$|${ID_CLAIM_STREAM_PREFIX})`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_STREAM_ID_LENGTH = 512;

/**
 * The same rules as the PostgreSQL adapter (ids are UUIDs, compared lower-case; a type; JSON
 * data; a repeat inside one batch counts once), plus the names this adapter reserves.
 */
export function validateBatch(streamId: string, events: readonly NewEvent[]): NewEvent[] {
  if (!streamId || streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidEventError(`A stream id must be 1 to ${MAX_STREAM_ID_LENGTH} characters long.`);
  }
  if (streamId.startsWith('$')) throw new InvalidEventError(`Stream ids starting with "$" are reserved for KurrentDB itself.`);
  if (streamId.startsWith(ID_CLAIM_STREAM_PREFIX)) {
    throw new InvalidEventError(`Stream ids starting with "${ID_CLAIM_STREAM_PREFIX}" are reserved for the event store.`);
  }
  if (events.length === 0) throw new InvalidEventError('An append needs at least one event.');
  const seen = new Set<string>();
  const batch: NewEvent[] = [];
  for (const event of events) {
    if (typeof event.id !== 'string' || !UUID.test(event.id)) throw new InvalidEventError(`Event id "${event.id}" is not a UUID.`);
    if (!event.type) throw new InvalidEventError(`Event ${event.id} has no type.`);
    // System event types start with "$"; readers drop them, so such an event would be lost.
    if (event.type.startsWith('$')) throw new InvalidEventError(`Event ${event.id}: types starting with "$" are reserved.`);
    if (event.data === undefined) throw new InvalidEventError(`Event ${event.id} has no data.`);
    assertJson(event);
    const id = event.id.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    batch.push({ ...event, id });
  }
  return batch;
}

function assertJson(event: NewEvent): void {
  try {
    // The client serialises with JSON.stringify too: what does not survive it is refused
    // here rather than silently changed (undefined dropped, a bigint throwing mid-append).
    const data = JSON.stringify(event.data);
    if (data === undefined) throw new Error('not JSON');
    if (event.metadata !== undefined && (typeof event.metadata !== 'object' || event.metadata === null || Array.isArray(event.metadata))) {
      throw new Error('metadata must be an object');
    }
    JSON.stringify(event.metadata ?? {});
    if (event.metadata && APPEND_ID_KEY in event.metadata) throw new Error(`metadata key "${APPEND_ID_KEY}" is reserved`);
  } catch (error) {
    throw new InvalidEventError(`Event ${event.id} cannot be stored as JSON: ${(error as Error).message}.`);
  }
}

/** Our event as the client's JSON event, stamped with the append attempt that writes it. */
export function toEventData(event: NewEvent, appendId: string): EventData {
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    data: event.data,
    metadata: { ...(event.metadata ?? {}), [APPEND_ID_KEY]: appendId },
  } as EventData;
}

/** The append attempt that wrote a stored event (undefined for events written otherwise). */
export function appendIdOf(resolved: ResolvedEvent): string | undefined {
  const metadata = resolved.event?.metadata as Record<string, unknown> | undefined;
  const value = metadata && typeof metadata === 'object' && !(metadata instanceof Uint8Array) ? metadata[APPEND_ID_KEY] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The claim that reserves `eventId` for `streamId` (stored in the id's own claim stream). */
export function claimStreamName(eventId: string): string {
  return `${ID_CLAIM_STREAM_PREFIX}${eventId.toLowerCase()}`;
}

/**
 * `claimId` must be new for every claim write: with a fixed id (say the event id), KurrentDB
 * would take a claim for another stream as an idempotent repeat of the stored one and answer
 * success, and the conflict would go unseen.
 */
export function toClaimEventData(claimId: string, streamId: string): EventData {
  return {
    id: claimId,
    contentType: 'application/json',
    type: ID_CLAIM_EVENT_TYPE,
    data: { streamId },
    metadata: {},
  } as EventData;
}

/** The stream a stored claim names, or undefined when the record is not a claim we wrote. */
export function claimOwner(resolved: ResolvedEvent | undefined): string | undefined {
  const event = resolved?.event;
  if (!event || event.type !== ID_CLAIM_EVENT_TYPE || !event.isJson) return undefined;
  const data = event.data as { streamId?: unknown };
  return typeof data?.streamId === 'string' ? data.streamId : undefined;
}

/** Throws when a claim shows the id belongs to another stream. */
export function assertClaimedFor(eventId: string, streamId: string, owner: string | undefined): void {
  if (owner === undefined) throw new Error(`The id-claim stream of event ${eventId} holds no readable claim.`);
  if (owner !== streamId) throw new EventIdConflictError(eventId, streamId, owner);
}

/**
 * A `$all` position as our bigint global position. Events appended through the gRPC API are
 * each their own implicit commit: commit and prepare positions are equal and strictly
 * increasing in log order. Events of a legacy explicit transaction share one commit position
 * (differing prepare positions); one bigint cannot resume inside such a group without
 * skipping or repeating, so they are refused loudly instead of being mis-ordered.
 */
export function toGlobalPosition(position: Position | undefined, eventId: string): bigint {
  if (!position) {
    throw new Error(`Event ${eventId} came without a log position: the server is too old (KurrentDB/EventStoreDB 22.10 or later is required).`);
  }
  if (position.commit !== position.prepare) {
    throw new Error(
      `Event ${eventId} belongs to a multi-record transaction (commit ${position.commit}, prepare ${position.prepare}); ` +
        'this store only reads logs written through the gRPC API.',
    );
  }
  return position.commit;
}

/** Where a forward read of `$all` starts for "everything after `after`" (inclusive: callers drop `after` itself). */
export function readAllStart(after: bigint): ReadPosition {
  if (after < 0n) throw new RangeError(`A position cannot be negative (got ${after}).`);
  return after === 0n ? 'start' : { commit: after, prepare: after };
}

/** Whether a record of `$all` is an application event readers should see. */
export function isApplicationEvent(streamId: string, type: string): boolean {
  return !streamId.startsWith('$') && !streamId.startsWith(ID_CLAIM_STREAM_PREFIX) && !type.startsWith('$');
}

/**
 * A record read from a stream or from `$all` as our RecordedEvent, or undefined when it is
 * not an application event (system records, claims, unresolved links).
 */
export function fromResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || resolved.link) return undefined;
  if (!isApplicationEvent(event.streamId, event.type)) return undefined;
  if (!event.isJson) throw new Error(`Event ${event.id} in ${event.streamId} is not JSON; this store writes JSON only.`);
  const stored = event.metadata;
  const metadata: Record<string, unknown> =
    stored && typeof stored === 'object' && !Array.isArray(stored) && !(stored instanceof Uint8Array) ? { ...(stored as Record<string, unknown>) } : {};
  delete metadata[APPEND_ID_KEY];
  return {
    id: event.id.toLowerCase(),
    type: event.type,
    data: event.data,
    metadata,
    streamId: event.streamId,
    streamPosition: event.revision,
    globalPosition: toGlobalPosition(event.position, event.id),
    recordedAt: event.created,
  };
}

/** A stream's revision as the client reports it: `'no_stream'` or the last event's revision. */
export type StreamRevision = bigint | 'no_stream';

/** -1 stands for "no stream" in our index; the port reports it as undefined. */
export function actualRevision(revision: bigint): bigint | undefined {
  return revision < 0n ? undefined : revision;
}

/**
 * Checks the writer's expectation against the revision just read, before anything is
 * written (the server checks again, atomically, through `pinnedStreamState`). -1 = no stream.
 */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, revision: bigint): void {
  const exists = revision >= 0n;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && !exists) ||
    (expected === 'stream_exists' && exists) ||
    (typeof expected === 'bigint' && expected === revision);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actualRevision(revision));
}

/**
 * The expected state sent with every append: exactly the revision the de-duplication read
 * saw, whatever the caller expected. The append then only succeeds if nothing was written to
 * the stream since that read, which is what makes "these ids are not in the stream yet" a
 * fact at commit time rather than a guess (KurrentDB's own idempotence covers only a repeat
 * of the latest append).
 */
export function pinnedStreamState(revision: bigint): AppendStreamState {
  return revision < 0n ? 'no_stream' : revision;
}

export interface AppendPlan {
  /** Events not yet in the stream, in the caller's order. */
  readonly fresh: NewEvent[];
  /** How many of the caller's events (repeats inside the batch included) are dropped. */
  readonly duplicates: number;
  /** Highest global position among the batch's events already stored (0 when none). */
  readonly storedPosition: bigint;
}

/**
 * The id de-duplication decision: which events of a validated batch the stream already holds.
 * `stored` maps the stream's event ids to their global positions.
 */
export function planAppend(originalCount: number, batch: readonly NewEvent[], stored: ReadonlyMap<string, bigint>): AppendPlan {
  const fresh: NewEvent[] = [];
  let storedPosition = 0n;
  for (const event of batch) {
    const position = stored.get(event.id);
    if (position === undefined) fresh.push(event);
    else if (position > storedPosition) storedPosition = position;
  }
  return { fresh, duplicates: originalCount - fresh.length, storedPosition };
}

/** The client's "wrong expected version" error, recognised without depending on its class identity. */
export function isWrongExpectedVersion(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'wrong-expected-version';
}

/** The client's "stream not found" error (a read of a stream that does not exist). */
export function isStreamNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'stream-not-found';
}

/**
 * A client "wrong expected version" error as ours. Used when an append keeps losing races
 * past the retry budget; the actual revision is the server's.
 */
export function toWrongExpectedRevision(error: unknown, streamId: string, expected: ExpectedRevision): WrongExpectedRevisionError {
  const actual = (error as { actualState?: unknown }).actualState;
  return new WrongExpectedRevisionError(streamId, expected, typeof actual === 'bigint' && actual >= 0n ? actual : undefined);
}

/** A stored event as the append path needs it: id, revision, position and writer. */
export interface StoredId {
  readonly id: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly appendId: string | undefined;
}

export function toStoredId(resolved: ResolvedEvent): StoredId | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return { id: event.id.toLowerCase(), revision: event.revision, position: toGlobalPosition(event.position, event.id), appendId: appendIdOf(resolved) };
}

/**
 * After an append of `count` events expected at `revision` succeeded: how many of them this
 * attempt wrote. The rest were already there, written by a concurrent writer with the same
 * batch, and the server only acknowledged them (see APPEND_ID_KEY).
 */
export function countOwnAppended(readBack: readonly StoredId[], revision: bigint, count: number, appendId: string): number {
  const last = revision + BigInt(count);
  return readBack.filter((e) => e.revision > revision && e.revision <= last && e.appendId === appendId).length;
}
