import { randomUUID } from 'node:crypto';
import { StreamNotFoundError, WrongExpectedVersionError, type AllStreamResolvedEvent, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import { EventIdConflictError, InvalidEventError, WrongExpectedRevisionError } from '@act/server/event-store';
import {
  APPEND_ID_KEY,
  APPLICATION_STREAMS_REGEX,
  assertClaimedFor,
  checkExpectedRevision,
  claimOwner,
  claimStreamName,
  countOwnAppended,
  fromResolved,
  ID_CLAIM_EVENT_TYPE,
  ID_CLAIM_STREAM_PREFIX,
  isApplicationEvent,
  isStreamNotFound,
  isWrongExpectedVersion,
  pinnedStreamState,
  planAppend,
  readAllStart,
  toClaimEventData,
  toEventData,
  toGlobalPosition,
  toStoredId,
  toWrongExpectedRevision,
  validateBatch,
} from './mapping';

/** A record as the client hands it over after reading. */
function resolved(overrides: Partial<NonNullable<AllStreamResolvedEvent['event']>> = {}): AllStreamResolvedEvent {
  return {
    event: {
      streamId: 'usage-1',
      id: '0E8F5C2A-1111-4222-8333-944455556666',
      isJson: true,
      revision: 3n,
      type: 'UsageRecorded',
      created: new Date('2026-01-02T03:04:05.678Z'),
      data: { amount: '12.3456789012345678' },
      metadata: { actor: 'u1', [APPEND_ID_KEY]: 'attempt-1' },
      position: { commit: 4096n, prepare: 4096n },
      ...overrides,
    } as NonNullable<AllStreamResolvedEvent['event']>,
    commitPosition: 4096n,
  };
}

describe('validateBatch', () => {
  const id = randomUUID();

  it('lower-cases ids and keeps a repeated id once, in first-seen order', () => {
    const other = randomUUID();
    const batch = validateBatch('s', [
      { id: id.toUpperCase(), type: 'A', data: {} },
      { id: other, type: 'B', data: 1 },
      { id, type: 'A', data: {} },
    ]);
    expect(batch.map((e) => [e.id, e.type])).toEqual([
      [id, 'A'],
      [other, 'B'],
    ]);
  });

  it.each([
    ['an empty stream id', '', [{ id, type: 'A', data: {} }], /1 to 512/],
    ['a stream id over 512 characters', 'x'.repeat(513), [{ id, type: 'A', data: {} }], /1 to 512/],
    ['a system stream', '$settings', [{ id, type: 'A', data: {} }], /reserved for KurrentDB/],
    ['a claim stream', `${ID_CLAIM_STREAM_PREFIX}${id}`, [{ id, type: 'A', data: {} }], /reserved for the event store/],
    ['an empty batch', 's', [], /at least one event/],
    ['a non-UUID id', 's', [{ id: 'nope', type: 'A', data: {} }], /not a UUID/],
    ['an empty type', 's', [{ id, type: '', data: {} }], /no type/],
    ['a system event type', 's', [{ id, type: '$metadata', data: {} }], /reserved/],
    ['missing data', 's', [{ id, type: 'A', data: undefined }], /no data/],
    ['data JSON cannot hold', 's', [{ id, type: 'A', data: { n: 1n } }], /cannot be stored as JSON/],
    ['metadata that is not an object', 's', [{ id, type: 'A', data: {}, metadata: [1] as unknown as Record<string, unknown> }], /metadata must be an object/],
    ['the reserved metadata key', 's', [{ id, type: 'A', data: {}, metadata: { [APPEND_ID_KEY]: 'x' } }], /reserved/],
  ])('refuses %s', (_label, streamId, events, message) => {
    expect(() => validateBatch(streamId, events)).toThrow(InvalidEventError);
    expect(() => validateBatch(streamId, events)).toThrow(message);
  });
});

describe('event mapping', () => {
  it('sends JSON with the caller metadata plus the append marker, leaving the caller object alone', () => {
    const metadata = { actor: 'u1' };
    const data = toEventData({ id: 'i', type: 'T', data: { n: '1.10' }, metadata }, 'attempt-1');
    expect(data).toEqual({ id: 'i', contentType: 'application/json', type: 'T', data: { n: '1.10' }, metadata: { actor: 'u1', [APPEND_ID_KEY]: 'attempt-1' } });
    expect(metadata).toEqual({ actor: 'u1' });
    expect(toEventData({ id: 'i', type: 'T', data: 'text' }, 'a').metadata).toEqual({ [APPEND_ID_KEY]: 'a' });
  });

  it('reads a record back as our event: lower-case id, marker removed, positions as bigints', () => {
    expect(fromResolved(resolved())).toEqual({
      id: '0e8f5c2a-1111-4222-8333-944455556666',
      type: 'UsageRecorded',
      data: { amount: '12.3456789012345678' },
      metadata: { actor: 'u1' },
      streamId: 'usage-1',
      streamPosition: 3n,
      globalPosition: 4096n,
      recordedAt: new Date('2026-01-02T03:04:05.678Z'),
    });
  });

  it('gives events without metadata an empty object', () => {
    expect(fromResolved(resolved({ metadata: undefined }))?.metadata).toEqual({});
  });

  it('leaves out system streams, system event types and id claims', () => {
    expect(fromResolved(resolved({ streamId: '$stats-127.0.0.1:2113' }))).toBeUndefined();
    expect(fromResolved(resolved({ type: '$streamDeleted' }))).toBeUndefined();
    expect(fromResolved(resolved({ type: '$>' }))).toBeUndefined();
    expect(fromResolved(resolved({ streamId: claimStreamName(randomUUID()), type: ID_CLAIM_EVENT_TYPE }))).toBeUndefined();
    expect(fromResolved({ commitPosition: 1n })).toBeUndefined();
  });

  it('refuses binary events rather than guessing at them', () => {
    expect(() => fromResolved(resolved({ isJson: false as true, data: new Uint8Array([1]) as unknown as Record<string, unknown> }))).toThrow(/not JSON/);
  });

  it('filters $all on the server with the same rule as isApplicationEvent for stream names', () => {
    // The server evaluates it as a .NET regex; this lookahead means the same in JavaScript.
    const regex = new RegExp(APPLICATION_STREAMS_REGEX);
    for (const [stream, visible] of [
      ['usage-1', true],
      ['workspace-abc', true],
      ['$all', false],
      ['$ce-usage', false],
      [`${ID_CLAIM_STREAM_PREFIX}${randomUUID()}`, false],
      [`my-${ID_CLAIM_STREAM_PREFIX}x`, true],
    ] as const) {
      expect([stream, regex.test(stream)]).toEqual([stream, visible]);
      expect(isApplicationEvent(stream, 'T')).toBe(visible);
    }
  });
});

describe('positions', () => {
  it('uses the commit position, equal to the prepare position for gRPC appends', () => {
    expect(toGlobalPosition({ commit: 9_007_199_254_740_993n, prepare: 9_007_199_254_740_993n }, 'e')).toBe(9_007_199_254_740_993n);
  });

  it('refuses records of explicit transactions, which one bigint cannot resume inside', () => {
    expect(() => toGlobalPosition({ commit: 200n, prepare: 120n }, 'e')).toThrow(/multi-record transaction/);
  });

  it('asks for a newer server when reads carry no position', () => {
    expect(() => toGlobalPosition(undefined, 'e')).toThrow(/22\.10 or later/);
  });

  it('starts $all reads at the start for 0 and at the position itself otherwise', () => {
    expect(readAllStart(0n)).toBe('start');
    expect(readAllStart(4096n)).toEqual({ commit: 4096n, prepare: 4096n });
    expect(() => readAllStart(-1n)).toThrow(RangeError);
  });
});

describe('expected revisions', () => {
  it.each([
    ['any', -1n, true],
    ['any', 5n, true],
    ['no_stream', -1n, true],
    ['no_stream', 0n, false],
    ['stream_exists', 0n, true],
    ['stream_exists', -1n, false],
    [2n, 2n, true],
    [2n, 3n, false],
    [0n, -1n, false],
  ] as const)('expected %s at revision %s: ok=%s', (expected, revision, ok) => {
    const check = () => checkExpectedRevision('s', expected, revision);
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(WrongExpectedRevisionError);
  });

  it('reports the actual revision, undefined for a missing stream', () => {
    expect(() => checkExpectedRevision('s', 1n, 2n)).toThrow(expect.objectContaining({ streamId: 's', expected: 1n, actual: 2n }));
    expect(() => checkExpectedRevision('s', 'stream_exists', -1n)).toThrow(expect.objectContaining({ actual: undefined }));
  });

  it('pins every append to the revision read, whatever the caller expected', () => {
    expect(pinnedStreamState(-1n)).toBe('no_stream');
    expect(pinnedStreamState(0n)).toBe(0n);
    expect(pinnedStreamState(41n)).toBe(41n);
  });
});

describe('client errors', () => {
  it('recognises the client’s wrong-expected-version error and maps it to ours', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n });
    expect(isWrongExpectedVersion(error)).toBe(true);
    expect(isWrongExpectedVersion(new Error('boom'))).toBe(false);
    expect(isWrongExpectedVersion(undefined)).toBe(false);
    const mapped = toWrongExpectedRevision(error, 's', 'any');
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamId: 's', expected: 'any', actual: 2n });
    const missing = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'stream_exists', current: 'no_stream' });
    expect(toWrongExpectedRevision(missing, 's', 'stream_exists')).toMatchObject({ actual: undefined });
  });

  it('recognises a read of a stream that does not exist', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'nothing-here'))).toBe(true);
    expect(isStreamNotFound(new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n }))).toBe(false);
  });
});

describe('id de-duplication', () => {
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  const events = (...ids: string[]) => ids.map((id) => ({ id, type: 'T', data: {} }));

  it('appends only ids the stream does not hold, and reports the stored ones’ highest position', () => {
    const plan = planAppend(3, events(a, b, c), new Map([[b, 700n], [a, 300n]]));
    expect(plan.fresh.map((e) => e.id)).toEqual([c]);
    expect(plan).toMatchObject({ duplicates: 2, storedPosition: 700n });
  });

  it('counts repeats inside the batch as duplicates too', () => {
    // The caller sent [a, a, b]; validation kept [a, b].
    expect(planAppend(3, events(a, b), new Map())).toMatchObject({ duplicates: 1, storedPosition: 0n });
  });

  it('after an acknowledged append, counts as appended only the events this attempt wrote', () => {
    const readBack = [
      { id: a, revision: 5n, position: 10n, appendId: 'mine' },
      { id: b, revision: 6n, position: 11n, appendId: 'mine' },
    ];
    expect(countOwnAppended(readBack, 4n, 2, 'mine')).toBe(2);
    // Another writer stored the same batch first; the server acknowledged ours as a repeat.
    expect(countOwnAppended(readBack, 4n, 2, 'theirs')).toBe(0);
    // Events past the appended range do not count.
    expect(countOwnAppended([...readBack, { id: c, revision: 7n, position: 12n, appendId: 'mine' }], 4n, 2, 'mine')).toBe(2);
  });

  it('reads ids with their revision, position and writer', () => {
    expect(toStoredId(resolved() as ResolvedEvent)).toEqual({
      id: '0e8f5c2a-1111-4222-8333-944455556666',
      revision: 3n,
      position: 4096n,
      appendId: 'attempt-1',
    });
  });
});

describe('id claims', () => {
  it('names one claim stream per id and a fresh claim id per write', () => {
    const id = randomUUID();
    expect(claimStreamName(id.toUpperCase())).toBe(`${ID_CLAIM_STREAM_PREFIX}${id}`);
    expect(toClaimEventData('claim-1', 'usage-1')).toEqual({
      id: 'claim-1',
      contentType: 'application/json',
      type: ID_CLAIM_EVENT_TYPE,
      data: { streamId: 'usage-1' },
      metadata: {},
    });
  });

  it('lets the owning stream through and refuses any other with EventIdConflictError', () => {
    const claim = resolved({ streamId: claimStreamName('x'), type: ID_CLAIM_EVENT_TYPE, data: { streamId: 'usage-1' } }) as ResolvedEvent;
    expect(claimOwner(claim)).toBe('usage-1');
    expect(() => assertClaimedFor('x', 'usage-1', claimOwner(claim))).not.toThrow();
    expect(() => assertClaimedFor('x', 'usage-2', claimOwner(claim))).toThrow(EventIdConflictError);
    expect(() => assertClaimedFor('x', 'usage-2', claimOwner(claim))).toThrow(expect.objectContaining({ existingStreamId: 'usage-1' }));
  });

  it('does not take other records for claims', () => {
    expect(claimOwner(resolved() as ResolvedEvent)).toBeUndefined();
    expect(claimOwner(undefined)).toBeUndefined();
    expect(() => assertClaimedFor('x', 's', undefined)).toThrow(/no readable claim/);
  });
});
