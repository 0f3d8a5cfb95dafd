import type { SqlDatabase } from '@act/server/database';

/**
 * One sync per account at a time, across every api process on the database: a lease row per
 * account, taken only when free or expired. A process that dies mid-sync holds the lease until
 * it expires; then another process takes the account over. Long runs renew it between chunks.
 */
export class SyncLeases {
  constructor(private readonly db: SqlDatabase) {}

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
      [accountId, holder, ttlMs],
    );
    return rows.length === 1;
  }

  /** False when the lease was lost (expired and taken by another process): stop working then. */
  async renew(accountId: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `update sync_leases set expires_at = now() + $3 * interval '1 millisecond' where account_id = $1 and holder = $2 returning account_id`,
      [accountId, holder, ttlMs],
    );
    return rows.length === 1;
  }

  async release(accountId: string, holder: string): Promise<void> {
    await this.db.query(`delete from sync_leases where account_id = $1 and holder = $2`, [accountId, holder]);
  }
}
