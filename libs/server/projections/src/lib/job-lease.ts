import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlExecutor } from '@act/server/database';
import { abortableSleep } from '@act/util/core';

export interface JobLeaseOptions {
  /** How long a lease lasts without a renewal; a dead holder's work is taken over this long after its last heartbeat. */
  ttlMs?: number;
  /** Heartbeat: the holder renews, the others try to take over, this often. Well under `ttlMs`. */
  renewEveryMs?: number;
  /** Who holds it; one per process by default. */
  holder?: string;
}

export const DEFAULT_LEASE_TTL_MS = 15_000;
export const DEFAULT_LEASE_RENEW_MS = 5_000;

/** One id per process, so the leases a process holds can be told apart in `job_leases`. */
export const PROCESS_HOLDER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

const TABLE = `create table if not exists job_leases (
  name text primary key,
  holder text not null,
  acquired_at timestamptz not null default now(),
  expires_at timestamptz not null
)`;

/** Creates the lease table (idempotent; serialised so processes starting together do not race on the catalogue). */
export async function migrateJobLeases(db: { transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('job_leases:migrate'))`);
    await tx.query(TABLE);
  });
}

/**
 * "Only one process does this background job", across every api process on one database: a
 * row per job in `job_leases` with a holder and an expiry. The holder renews it every
 * `renewEveryMs`; every other process tries to take it at the same pace and succeeds once the
 * expiry has passed (the holder died or lost the database) or the holder let it go (a clean
 * stop deletes the row, so a rolling restart hands over within one heartbeat).
 *
 * Why a row and not a PostgreSQL advisory lock: a session-level advisory lock belongs to one
 * connection, and the database layer hands out pooled connections per query (a lock taken on
 * one would be released, or silently kept, by whichever query gets that connection next; behind
 * a transaction-mode pooler it does not work at all); holding one connection per job for the
 * process's life would need a second, unpooled client. The embedded PGlite is one process
 * anyway. A row needs nothing but ordinary queries, works the same on both engines, and shows
 * who runs what (`select * from job_leases`).
 *
 * Clocks: the expiry is the database's `now()`, so processes on different hosts agree; the
 * holder counts its own tenure from the moment it *sent* the renewal, so it stops believing it
 * holds the lease before the database lets anyone else take it. The jobs it guards stay safe
 * even if two ran for a moment (checkpoint row locks, `skip locked` claims, deterministic ids):
 * the lease removes duplicated work, not a correctness hazard.
 */
export class JobLease {
  readonly holder: string;
  private readonly ttlMs: number;
  readonly renewEveryMs: number;
  private heldUntil = 0;
  private loop?: Promise<void>;
  private stopping?: AbortController;
  private waiters = new Set<() => void>();

  constructor(
    private readonly db: SqlExecutor,
    readonly name: string,
    options: JobLeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewEveryMs = options.renewEveryMs ?? DEFAULT_LEASE_RENEW_MS;
    this.holder = options.holder ?? PROCESS_HOLDER;
    if (!(this.renewEveryMs > 0 && this.renewEveryMs < this.ttlMs)) throw new Error(`Lease ${name}: renewEveryMs must be positive and below ttlMs`);
  }

  /** Whether this process holds the lease now (by its own conservative count). */
  get held(): boolean {
    return this.heldUntil > Date.now();
  }

  /** Takes the lease if it is free, expired or already ours (then it is renewed). */
  async tryAcquire(): Promise<boolean> {
    const sentAt = Date.now();
    const rows = await this.db.query<{ holder: string }>(
      `insert into job_leases (name, holder, expires_at) values ($1, $2, now() + $3 * interval '1 millisecond')
       on conflict (name) do update
         set holder = excluded.holder, expires_at = excluded.expires_at,
             acquired_at = case when job_leases.holder = excluded.holder then job_leases.acquired_at else now() end
         where job_leases.expires_at < now() or job_leases.holder = excluded.holder
       returning holder`,
      [this.name, this.holder, this.ttlMs],
    );
    const taken = rows.length === 1 || (await this.takeOverFromDeadLocalHolder());
    const wasHeld = this.held;
    // A renewal that took long eats into the tenure: counted from when it was sent.
    this.heldUntil = taken ? sentAt + this.ttlMs - this.renewEveryMs / 2 : 0;
    if (this.held && !wasHeld) for (const wake of [...this.waiters]) wake();
    return this.held;
  }

  /**
   * A process restarted on the same host after a crash (systemd, a supervisor, a test) need not
   * wait for the expiry: when the holder id names this host and a pid that no longer exists
   * here, the holder is certainly dead. Only that case: another host's process, or a pid that
   * exists (even if reused by something else), is left to expire. Two containers sharing a
   * hostname in separate pid namespaces could take a live lease over once; the guarded jobs
   * stay correct then (see above), and the other process simply follows.
   */
  private async takeOverFromDeadLocalHolder(): Promise<boolean> {
    const [row] = await this.db.query<{ holder: string }>('select holder from job_leases where name = $1', [this.name]);
    if (!row || !isDeadLocalHolder(row.holder)) return false;
    const rows = await this.db.query(
      `update job_leases set holder = $2, acquired_at = now(), expires_at = now() + $4 * interval '1 millisecond'
        where name = $1 and holder = $3 returning holder`,
      [this.name, this.holder, row.holder, this.ttlMs],
    );
    return rows.length === 1;
  }

  /** Lets the lease go (if ours), so another process takes it on its next heartbeat. */
  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.db.query('delete from job_leases where name = $1 and holder = $2', [this.name, this.holder]);
  }

  /** Starts the heartbeat: renew while held, try to take over while not. */
  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    const signal = this.stopping.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        // A failed heartbeat (database down) simply counts as not holding it.
        await this.tryAcquire().catch(() => (this.heldUntil = 0));
        await abortableSleep(this.renewEveryMs, signal);
      }
    })();
  }

  /** Stops the heartbeat and releases the lease. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = undefined;
    for (const wake of [...this.waiters]) wake();
    await this.release().catch(() => undefined);
  }

  /** Resolves when the lease is (or becomes) ours, or after `timeoutMs`, or on abort. */
  waitUntilHeld(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.held) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  /** Who holds `name` now (expired leases count as nobody). */
  static async holderOf(db: SqlExecutor, name: string): Promise<string | null> {
    const [row] = await db.query<{ holder: string }>('select holder from job_leases where name = $1 and expires_at >= now()', [name]);
    return row?.holder ?? null;
  }
}

/** A holder id (`host:pid:random`) of this host whose process is gone. */
export function isDeadLocalHolder(holder: string): boolean {
  const parts = holder.split(':');
  if (parts.length < 3) return false;
  const pid = Number(parts[parts.length - 2]);
  const host = parts.slice(0, -2).join(':');
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
