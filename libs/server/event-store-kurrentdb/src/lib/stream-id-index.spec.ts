import { StreamIdIndex } from './stream-id-index';

const events = (from: number, count: number, prefix = 'e') =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}${from + i}`, revision: BigInt(from + i), position: BigInt(100 + from + i) }));

describe('StreamIdIndex', () => {
  it('starts unknown streams at revision -1 and remembers the tail read', () => {
    const index = new StreamIdIndex(100);
    const entry = index.get('s');
    expect(entry.revision).toBe(-1n);
    index.extend('s', entry, events(0, 3));
    expect(index.get('s').revision).toBe(2n);
    expect([...index.get('s').ids]).toEqual([
      ['e0', 100n],
      ['e1', 101n],
      ['e2', 102n],
    ]);
    expect(index.heldIds).toBe(3);
  });

  it('ignores revisions it already holds (two catch-ups of one stream overlapping)', () => {
    const index = new StreamIdIndex(100);
    const entry = index.get('s');
    index.extend('s', entry, events(0, 3));
    index.extend('s', entry, events(1, 3));
    expect(entry.revision).toBe(3n);
    expect(index.heldIds).toBe(4);
  });

  it('evicts the least recently used streams beyond the id bound, never the one in use', () => {
    const index = new StreamIdIndex(5);
    index.extend('a', index.get('a'), events(0, 2, 'a'));
    index.extend('b', index.get('b'), events(0, 2, 'b'));
    index.extend('a', index.get('a'), events(2, 1, 'a')); // a is now the most recent
    index.extend('c', index.get('c'), events(0, 2, 'c'));
    expect(index.get('b').revision).toBe(-1n); // b went first
    expect(index.get('a').revision).toBe(2n);
    expect(index.heldIds).toBe(5);
    index.extend('big', index.get('big'), events(0, 9, 'x'));
    expect(index.heldStreams).toBe(1);
    expect(index.get('big').revision).toBe(8n);
    expect(index.heldIds).toBe(9);
  });

  it('forgets a stream on request', () => {
    const index = new StreamIdIndex(10);
    index.extend('s', index.get('s'), events(0, 2));
    index.forget('s');
    expect(index.get('s').revision).toBe(-1n);
    expect(index.heldIds).toBe(0);
    index.forget('never-seen');
  });

  it('keeps the count right when an entry evicted during an append is stored again', () => {
    const index = new StreamIdIndex(3);
    const held = index.get('a');
    index.extend('a', held, events(0, 2, 'a'));
    index.extend('b', index.get('b'), events(0, 3, 'b')); // evicts a while an append may still hold it
    index.extend('a', held, events(2, 1, 'a'));
    expect(index.heldIds).toBe(3);
    expect(index.heldStreams).toBe(1);
  });

  it('refuses a negative bound', () => {
    expect(() => new StreamIdIndex(-1)).toThrow(RangeError);
  });
});
