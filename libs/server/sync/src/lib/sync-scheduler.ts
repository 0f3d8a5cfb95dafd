import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SYNC_PROVIDERS } from '@act/server/connectors';
import type { SqlDatabase } from '@act/server/database';
import { APP_CONFIG, AppConfig, SQL_DATABASE } from '@act/server/platform';
import { SyncService } from './sync.service';

const INTERVAL_NAME = 'provider-sync';

/**
 * Every SYNC_TICK_SECONDS, starts a sync for each active account of a provider with a usage API
 * whose last run started more than SYNC_INTERVAL_MINUTES ago (or that never ran). The lease in
 * SyncService keeps a slow run and the next tick, or two processes, from running one account twice.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SyncScheduler');
  private ticking = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly sync: SyncService,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SYNC_SCHEDULER !== 'true') return;
    const interval = setInterval(() => void this.tick(), this.config.SYNC_TICK_SECONDS * 1000);
    interval.unref();
    this.registry.addInterval(INTERVAL_NAME, interval);
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
  }

  /** One pass over the due accounts; public so tests and the CLI can drive it. */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    let started = 0;
    try {
      const due = await this.db.query<{ workspace_id: string; account_id: string }>(
        `select a.workspace_id, a.account_id
           from accounts a
           left join lateral (select max(started_at) as last from sync_runs r where r.account_id = a.account_id) r on true
          where a.status = 'active' and a.provider in (select jsonb_array_elements_text($1::jsonb))
            and (r.last is null or r.last < now() - $2 * interval '1 minute')
          order by r.last nulls first`,
        [JSON.stringify(SYNC_PROVIDERS), this.config.SYNC_INTERVAL_MINUTES],
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
