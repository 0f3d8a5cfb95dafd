import type { SqlDatabase } from '@act/server/database';

export interface SyncLeaseOptions {
  /** Longest an account stays locked after its holder stopped renewing (died, lost the database). */
  ttlMs?: number;
  /** How often a held lease is renewed in the background, between the caller's own renewals. */
  heartbeatMs?: number;
}

/**
 * One sync per account at a time, across every api process on the database: a lease row per
 * account, taken only when free or expired.
 *
 * A held lease is kept alive by a heartbeat (every `heartbeatMs`, 5 s by default) with a short
 * expiry (`ttlMs`, 15 s), not by one long expiry: a chunk may take minutes, but a process that
 * dies mid-sync must not keep the account locked for minutes. The caller's own `ttlMs` (renewed
 * between chunks) is an upper bound. A process stalled longer than the expiry loses the lease;
 * its next renewal says so and the run stops (`lease_lost`) instead of racing the new holder.
 */
export class SyncLeases {
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly db: SqlDatabase,
    options: SyncLeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
  }

  async migrate(): Promise<void> {
    await this.db.query(`create table if not exists sync_leases (
      account_id text primary key, holder text not null, expires_at timestamptz not null)`);
  }

  async tryAcquire(accountId: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `insert into sync_leases (account_id, holder, expires_at) values ($1, $2, now() + $3 * interval '1 millisecond')
       on conflict (account_id) do update set holder = excluded.holder, expires_at = excluded.expires_at
         where sync_leases.expires_at < now() or sync_leases.holder = excluded.holder
       returning account_id`,
      [accountId, holder, Math.min(ttlMs, this.ttlMs)],
    );
    if (rows.length !== 1) return false;
    this.startHeartbeat(accountId, holder, ttlMs);
    return true;
  }

  /** False when the lease was lost (expired and taken by another process): stop working then. */
  async renew(accountId: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `update sync_leases set expires_at = now() + $3 * interval '1 millisecond' where account_id = $1 and holder = $2 returning account_id`,
      [accountId, holder, Math.min(ttlMs, this.ttlMs)],
    );
    if (rows.length !== 1) this.stopHeartbeat(accountId);
    return rows.length === 1;
  }

  async release(accountId: string, holder: string): Promise<void> {
    this.stopHeartbeat(accountId);
    await this.db.query(`delete from sync_leases where account_id = $1 and holder = $2`, [accountId, holder]);
  }

  /** Accounts whose lease is live (held by any process). */
  async liveAccounts(): Promise<Set<string>> {
    const rows = await this.db.query<{ account_id: string }>('select account_id from sync_leases where expires_at >= now()');
    return new Set(rows.map((r) => r.account_id));
  }

  private startHeartbeat(accountId: string, holder: string, ttlMs: number): void {
    this.stopHeartbeat(accountId);
    const timer = setInterval(() => {
      // A failed renewal (database unreachable) is retried on the next beat; a lost lease stops the beat.
      this.renew(accountId, holder, ttlMs).catch(() => undefined);
    }, this.heartbeatMs);
    // Never keeps the process alive on its own.
    timer.unref();
    this.heartbeats.set(accountId, timer);
  }

  private stopHeartbeat(accountId: string): void {
    const timer = this.heartbeats.get(accountId);
    if (timer) clearInterval(timer);
    this.heartbeats.delete(accountId);
  }
}
