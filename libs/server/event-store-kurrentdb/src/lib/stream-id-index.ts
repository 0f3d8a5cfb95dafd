/**
 * What this process knows of a stream's event ids: every id up to `revision`, with its global
 * position. Appends read only the stream's tail past `revision` before deciding which events
 * are duplicates, instead of the whole stream every time.
 *
 * Knowledge here is never trusted for correctness, only for speed: an append always reads the
 * tail and pins its expected revision to what it saw (see `pinnedStreamState`), so a stale
 * entry costs a retry, never a duplicate.
 */
export interface StreamIds {
  /** Last revision read; -1 when the stream did not exist at the last read. */
  revision: bigint;
  readonly ids: Map<string, bigint>;
}

/** Least-recently-used cache of StreamIds, bounded by the number of ids held overall. */
export class StreamIdIndex {
  private readonly streams = new Map<string, { entry: StreamIds; counted: number }>();
  private size = 0;

  constructor(private readonly maxIds: number) {
    if (!(maxIds >= 0)) throw new RangeError('maxIds must be 0 or more');
  }

  /** The entry for a stream (a fresh empty one if unknown). */
  get(streamId: string): StreamIds {
    return this.streams.get(streamId)?.entry ?? { revision: -1n, ids: new Map() };
  }

  /** Records events read from the stream's tail, in revision order, and marks the stream most recently used. */
  extend(streamId: string, entry: StreamIds, events: readonly { id: string; revision: bigint; position: bigint }[]): void {
    for (const event of events) {
      if (event.revision <= entry.revision) continue; // already known (a concurrent catch-up)
      entry.ids.set(event.id, event.position);
      entry.revision = event.revision;
    }
    const known = this.streams.get(streamId);
    if (known) {
      this.size -= known.counted;
      this.streams.delete(streamId);
    }
    this.streams.set(streamId, { entry, counted: entry.ids.size });
    this.size += entry.ids.size;
    // Evict the least recently used streams until the bound holds again. The stream just used
    // stays even when it alone is over the bound: it is needed right now.
    for (const [id, old] of this.streams) {
      if (this.size <= this.maxIds || id === streamId) break;
      this.size -= old.counted;
      this.streams.delete(id);
    }
  }

  /** Forgets a stream (it was deleted, or its entry disagrees with the server). */
  forget(streamId: string): void {
    const known = this.streams.get(streamId);
    if (!known) return;
    this.size -= known.counted;
    this.streams.delete(streamId);
  }

  get heldIds(): number {
    return this.size;
  }

  get heldStreams(): number {
    return this.streams.size;
  }
}
