import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SYNC_PROVIDERS } from '@act/server/connectors';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { APP_CONFIG, AppConfig, jobLeaseOptions, PROJECTION_RUNNER, SQL_DATABASE } from '@act/server/platform';
import { JobLease, migrateJobLeases, type ProjectionRunner } from '@act/server/projections';
import { SyncService } from './sync.service';

const INTERVAL_NAME = 'provider-sync';
/** Longest a tick waits for `sync_runs` to show the latest runs before it gives up for this tick. */
const CATCH_UP_MS = 5_000;
/** The account leases' expiry (SyncLeases' default): a run older than this without a live lease was orphaned. */
const ORPHAN_AFTER_MS = 15_000;

/**
 * Every SYNC_TICK_SECONDS, starts a sync for each active account of a provider with a usage API
 * whose last run started more than SYNC_INTERVAL_MINUTES ago (or that never ran).
 *
 * Several api processes: only the process holding the `sync-scheduler` lease ticks (see
 * JobLease), so an account is not picked by three schedulers at once; another process takes the
 * lease over within about 15 s of the holder's death. The per-account lease in SyncService still
 * keeps a slow run and the next tick, a manual "sync now" or another process from running one
 * account twice. A tick first waits for the read models to reach the log's head: `sync_runs` is
 * a projection, and a run that has just finished but is not projected yet would look due again.
 *
 * A run whose process died mid-sync stays `running` in `sync_runs` with no live account lease;
 * such an account counts as due at once (the next run re-reads what is missing: the sync
 * checkpoint is the recorded coverage), instead of waiting for the whole interval.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SyncScheduler');
  private readonly lease: JobLease;
  private ticking = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly sync: SyncService,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {
    this.lease = new JobLease(db, 'sync-scheduler', jobLeaseOptions(config));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SYNC_SCHEDULER !== 'true') return;
    await migrateJobLeases(this.db);
    this.lease.start();
    const interval = setInterval(() => {
      if (this.lease.held) void this.tick();
    }, this.config.SYNC_TICK_SECONDS * 1000);
    interval.unref();
    this.registry.addInterval(INTERVAL_NAME, interval);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
    await this.lease.stop();
  }

  /** Whether this process runs the scheduled syncs now. */
  get leading(): boolean {
    return this.lease.held;
  }

  /** One pass over the due accounts; public so tests and the CLI can drive it (whoever holds the lease). */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    let started = 0;
    try {
      if (!(await this.runner.waitForPosition(await this.store.headPosition(), CATCH_UP_MS))) {
        this.logger.warn('Read models are behind the log: scheduled syncs wait for the next tick');
        return 0;
      }
      const due = await this.db.query<{ workspace_id: string; account_id: string }>(
        `select a.workspace_id, a.account_id
           from accounts a
           left join lateral (select started_at as last, status from sync_runs r where r.account_id = a.account_id
                               order by started_at desc limit 1) r on true
          where a.status = 'active' and a.provider in (select jsonb_array_elements_text($1::jsonb))
            and (r.last is null or r.last < now() - $2 * interval '1 minute'
                 or (r.status = 'running' and r.last < now() - $3 * interval '1 millisecond'
                     and not exists (select 1 from sync_leases l where l.account_id = a.account_id and l.expires_at >= now())))
          order by r.last nulls first`,
        [JSON.stringify(SYNC_PROVIDERS), this.config.SYNC_INTERVAL_MINUTES, ORPHAN_AFTER_MS],
      );
      for (const account of due) {
        const outcome = await this.sync.start(account.workspace_id, account.account_id, 'scheduled').catch((error: Error) => {
          this.logger.warn(`Could not start the sync of account ${account.account_id}: ${error.message}`);
          return null;
        });
        if (outcome?.state === 'started') started++;
      }
    } finally {
      this.ticking = false;
    }
    return started;
  }
}
