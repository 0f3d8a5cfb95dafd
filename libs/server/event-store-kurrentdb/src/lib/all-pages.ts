import type { AllStreamResolvedEvent, Position, ReadPosition } from '@kurrent/kurrentdb-client';
import { RecordedEvent } from '@act/server/event-store';
import { fromResolved, isApplicationEvent, readAllStart, toGlobalPosition } from './mapping';

/** One read of `$all` from a position, at most `maxCount` records, already filtered on the server. */
export type ReadAllPage = (from: ReadPosition, maxCount: number) => AsyncIterable<AllStreamResolvedEvent>;

/**
 * Up to `limit` application events after `after`, in log order, from forward reads of `$all`.
 *
 * `$all` is one append-only log and a read only ever sees a committed prefix of it, so reading
 * on from a position can never step over an event that commits later: there are no gaps to
 * guard against, unlike with SQL sequences. What is left to get right here: reads include their
 * start position (so it is skipped), a read shorter than asked means the end of the log, and
 * a full read may still yield fewer events than wanted after the client-side checks (system
 * event types in application streams), in which case reading goes on from the last position
 * seen rather than returning a short page that a caller could take for "caught up".
 */
export async function readApplicationEvents(read: ReadAllPage, after: bigint, limit: number): Promise<RecordedEvent[]> {
  if (limit <= 0) return [];
  const events: RecordedEvent[] = [];
  let seen = after;
  let from = readAllStart(after);
  for (;;) {
    const wanted = limit - events.length + 1;
    let received = 0;
    for await (const resolved of read(from, wanted)) {
      received++;
      const record = resolved.event;
      if (!record) continue;
      const position = toGlobalPosition(record.position, record.id);
      if (position <= seen) continue;
      seen = position;
      const event = fromResolved(resolved);
      if (event && events.length < limit) events.push(event);
    }
    if (received < wanted || events.length >= limit) return events;
    from = { commit: seen, prepare: seen };
  }
}

/**
 * The position of the last application event (0 when there is none), from backward reads of
 * `$all` starting at its end. A backward read excludes its start position, so each further
 * page starts at the last record of the previous one.
 */
export async function findHeadPosition(readBackwards: ReadAllPage, pageSize = 32): Promise<bigint> {
  let from: ReadPosition = 'end';
  for (;;) {
    let received = 0;
    let last: Position | undefined;
    for await (const resolved of readBackwards(from, pageSize)) {
      received++;
      const record = resolved.event;
      if (!record) continue;
      last = record.position;
      if (isApplicationEvent(record.streamId, record.type)) return toGlobalPosition(record.position, record.id);
    }
    if (received < pageSize || !last) return 0n;
    from = last;
  }
}
