import { randomUUID } from 'node:crypto';
import type { AllStreamResolvedEvent, ReadPosition } from '@kurrent/kurrentdb-client';
import { findHeadPosition, readApplicationEvents } from './all-pages';
import { APPLICATION_STREAMS_REGEX, claimStreamName, ID_CLAIM_EVENT_TYPE } from './mapping';

/**
 * A model of `$all` as the server serves it (KurrentDB's AllReader): records at strictly
 * rising log positions with commit = prepare; a forward read includes its start position; a
 * backward read excludes it; the stream-name filter runs on the server before `maxCount`.
 * It tests the paging logic of the adapter, not the server: the contract suite does that.
 */
class ModelLog {
  private readonly records: AllStreamResolvedEvent[] = [];
  private next = 128n;
  readonly reads: { from: ReadPosition; maxCount: number }[] = [];

  add(streamId: string, type = 'Tested'): bigint {
    const position = this.next;
    this.next += 77n + BigInt(this.records.length % 5); // byte offsets: rising, not dense
    this.records.push({
      event: {
        streamId,
        id: randomUUID(),
        isJson: true,
        revision: 0n,
        type,
        created: new Date(),
        data: {},
        metadata: {},
        position: { commit: position, prepare: position },
      } as AllStreamResolvedEvent['event'],
      commitPosition: position,
    });
    return position;
  }

  forward = (from: ReadPosition, maxCount: number) => {
    this.reads.push({ from, maxCount });
    const start = from === 'start' ? 0n : from === 'end' ? this.next : from.commit;
    return iterate(this.visible().filter((r) => at(r) >= start).slice(0, maxCount));
  };

  backward = (from: ReadPosition, maxCount: number) => {
    const end = from === 'end' ? this.next : from === 'start' ? 0n : from.commit;
    return iterate(
      this.visible()
        .filter((r) => at(r) < end)
        .reverse()
        .slice(0, maxCount),
    );
  };

  private visible(): AllStreamResolvedEvent[] {
    const filter = new RegExp(APPLICATION_STREAMS_REGEX);
    return this.records.filter((r) => filter.test(r.event?.streamId ?? ''));
  }
}

function at(record: AllStreamResolvedEvent): bigint {
  return record.event?.position.commit ?? -1n;
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

describe('readApplicationEvents', () => {
  it('pages through the log without skipping or repeating, whatever the page size', async () => {
    const log = new ModelLog();
    const positions = Array.from({ length: 23 }, (_, i) => log.add(`s-${i % 4}`));
    for (const limit of [1, 2, 5, 7, 23, 100]) {
      const seen: bigint[] = [];
      let after = 0n;
      for (;;) {
        const page = await readApplicationEvents(log.forward, after, limit);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(limit);
        seen.push(...page.map((e) => e.globalPosition));
        after = page[page.length - 1].globalPosition;
      }
      expect(seen).toEqual(positions);
    }
  });

  it('starts after the given position, never at it', async () => {
    const log = new ModelLog();
    const [first, second, third] = [log.add('a'), log.add('a'), log.add('a')];
    expect((await readApplicationEvents(log.forward, first, 10)).map((e) => e.globalPosition)).toEqual([second, third]);
    expect(await readApplicationEvents(log.forward, third, 10)).toEqual([]);
    expect(log.reads[0]).toEqual({ from: { commit: first, prepare: first }, maxCount: 11 });
  });

  it('leaves out system streams and id claims, and still fills a page', async () => {
    const log = new ModelLog();
    const kept: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      log.add('$stats-node', '$statistics-collected');
      log.add(claimStreamName(randomUUID()), ID_CLAIM_EVENT_TYPE);
      kept.push(log.add(`app-${i}`));
    }
    const page = await readApplicationEvents(log.forward, 0n, 4);
    expect(page.map((e) => e.globalPosition)).toEqual(kept.slice(0, 4));
  });

  it('reads on when system event types in application streams thin a full page out', async () => {
    const log = new ModelLog();
    for (let i = 0; i < 10; i++) log.add('app-1', '$streamDeleted'); // passes the server filter, dropped here
    const wanted = log.add('app-2');
    const page = await readApplicationEvents(log.forward, 0n, 3);
    // A short page here would make a subscriber wait for appends that already happened.
    expect(page.map((e) => e.globalPosition)).toEqual([wanted]);
    expect(log.reads.length).toBeGreaterThan(1);
  });

  it('answers an empty log and a zero limit with nothing', async () => {
    const log = new ModelLog();
    expect(await readApplicationEvents(log.forward, 0n, 10)).toEqual([]);
    log.add('a');
    expect(await readApplicationEvents(log.forward, 0n, 0)).toEqual([]);
  });
});

describe('findHeadPosition', () => {
  it('is 0 for an empty log and for one with system records only', async () => {
    const log = new ModelLog();
    expect(await findHeadPosition(log.backward)).toBe(0n);
    log.add('$settings', '$settings');
    log.add(claimStreamName(randomUUID()), ID_CLAIM_EVENT_TYPE);
    expect(await findHeadPosition(log.backward)).toBe(0n);
  });

  it('is the last application event, past trailing claims and system records', async () => {
    const log = new ModelLog();
    log.add('a');
    const last = log.add('b');
    log.add(claimStreamName(randomUUID()), ID_CLAIM_EVENT_TYPE);
    log.add('$stats-node', '$statistics-collected');
    expect(await findHeadPosition(log.backward)).toBe(last);
  });

  it('looks further back than one page when the newest records are all system event types', async () => {
    const log = new ModelLog();
    const last = log.add('a');
    for (let i = 0; i < 10; i++) log.add('a', '$streamDeleted');
    expect(await findHeadPosition(log.backward, 3)).toBe(last);
  });
});
