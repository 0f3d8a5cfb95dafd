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
 * Hands out at most `capacity` connections, and at most `maxDeferrable` of them to deferrable
 * reads at a time. When all are taken, a freed connection goes to the longest-waiting urgent
 * caller (anything not marked deferrable: writes, ingest, sync, projections, background jobs)
 * before any deferrable read. Deferrable reads can wait as long as urgent work keeps every
 * connection busy; urgent work is a small share of the traffic.
 *
 * The cap on reads is admission control for the database's CPU, not for connections: each
 * running query takes a core, and ten dashboard readers on a 2-core server left the projection
 * a tenth of the CPU, so what was written took seconds to become visible (benchmark section 5).
 * Capped near the number of cores, readers queue here instead, and writes keep their share.
 */
export class ConnectionGate {
  private inUse = 0;
  private deferrableInUse = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly deferred: (() => void)[] = [];

  constructor(
    readonly capacity: number,
    readonly maxDeferrable: number = capacity,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`A connection gate needs a capacity of at least 1, got ${capacity}.`);
    if (!Number.isInteger(maxDeferrable) || maxDeferrable < 1) {
      throw new Error(`A connection gate needs at least 1 connection for reads, got ${maxDeferrable}.`);
    }
  }

  /** Waits for a connection slot; call the returned function once to give it back. */
  async acquire(): Promise<() => void> {
    const read = isDeferrableRead();
    if (this.inUse < this.capacity && (!read || this.deferrableInUse < this.maxDeferrable)) {
      this.inUse++;
      if (read) this.deferrableInUse++;
    } else {
      // The slot is handed over by `release` without inUse ever dropping, so no newcomer can
      // take it between the release and this waiter's turn.
      await new Promise<void>((resolve) => (read ? this.deferred : this.urgent).push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (read) this.deferrableInUse--;
      const urgent = this.urgent.shift();
      if (urgent) return urgent();
      const deferred = this.deferrableInUse < this.maxDeferrable ? this.deferred.shift() : undefined;
      if (deferred) {
        this.deferrableInUse++;
        return deferred();
      }
      this.inUse--;
    };
  }

  /** Slots in use and callers waiting, for metrics and tests. */
  get state(): { inUse: number; deferrableInUse: number; urgentWaiting: number; deferredWaiting: number } {
    return { inUse: this.inUse, deferrableInUse: this.deferrableInUse, urgentWaiting: this.urgent.length, deferredWaiting: this.deferred.length };
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
