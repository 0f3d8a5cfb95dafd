import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks work that may wait for a database connection behind everything else: the dashboard's
 * reads. Under many readers, the pool's single FIFO queue made ingest batches and syncs wait
 * behind hundreds of queued reads (measured: a 20-record ingest batch took 51 s while 200 users
 * loaded dashboards); with the gate, a write waits only for the next free connection.
 */
const deferrable = new AsyncLocalStorage<true>();

/** Runs `work` (and everything it starts) as deferrable reads. */
export function asDeferrableReads<T>(work: () => T): T {
  return deferrable.run(true, work);
}

export function isDeferrableRead(): boolean {
  return deferrable.getStore() === true;
}

/**
 * Hands out at most `capacity` connections. When all are taken, a freed connection goes to the
 * longest-waiting urgent caller (anything not marked deferrable: writes, ingest, sync,
 * projections, background jobs) before any deferrable read. Deferrable reads can wait as long
 * as urgent work keeps every connection busy; urgent work is a small share of the traffic.
 */
export class ConnectionGate {
  private inUse = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly deferred: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`A connection gate needs a capacity of at least 1, got ${capacity}.`);
  }

  /** Waits for a connection slot; call the returned function once to give it back. */
  async acquire(): Promise<() => void> {
    if (this.inUse < this.capacity) {
      this.inUse++;
    } else {
      // The slot is handed over by `release` without inUse ever dropping, so no newcomer can
      // take it between the release and this waiter's turn.
      await new Promise<void>((resolve) => (isDeferrableRead() ? this.deferred : this.urgent).push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.urgent.shift() ?? this.deferred.shift();
      if (next) next();
      else this.inUse--;
    };
  }

  /** Slots in use and callers waiting, for metrics and tests. */
  get state(): { inUse: number; urgentWaiting: number; deferredWaiting: number } {
    return { inUse: this.inUse, urgentWaiting: this.urgent.length, deferredWaiting: this.deferred.length };
  }

  /** Runs `work` holding one slot. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}
