import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { PROJECTION_RUNNER, SQL_DATABASE } from '@act/server/platform';
import type { ProjectionRunner } from '@act/server/projections';
import { AccountsService } from '@act/server/accounts';
import { RecordUsageHandler } from '@act/server/usage';
import { SyncService } from '@act/server/sync';
import { CoverageController } from './coverage.controller';
import { CoverageQueries } from './coverage-queries';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';
import { IngestController } from './ingest.controller';
import { IngestKeyGuard } from './ingest-key.guard';
import { IngestService } from './ingest.service';
import { LedgerReader } from './ledger-reader';
import { ManualEntriesController } from './manual-entries.controller';
import { ManualEntriesService } from './manual-entries.service';
import { RequestInbox, RequestLogAggregator } from './request-log';
import { migrateIngest } from './schema';

/** Resolved once the ingest tables exist. */
export const INGEST_TABLES = Symbol('IngestTables');
/** How often the sweep folds keys left pending (crash, failed recording) and finalizes ended days. */
export const INGEST_SWEEP_INTERVAL_MS = 60_000;

/** The longest the post-sync sweep waits for the read models to hold what the sync recorded. */
const AFTER_SYNC_WAIT_MS = 30_000;

/**
 * Sweeps once at start (what a crash left behind), on an interval, and right after each sync in
 * this process that recorded something: a day the usage API has just reported stops counting
 * its request-log totals at once instead of at the next interval. Stops before the database closes.
 */
@Injectable()
export class IngestSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('IngestSweep');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly aggregator: RequestLogAggregator,
    private readonly imports: ImportsService,
    private readonly moduleRef: ModuleRef,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.run(0);
    this.timer = setInterval(() => this.run(), INGEST_SWEEP_INTERVAL_MS);
    this.timer.unref();
    // Sync is optional here (an app may run ingest alone).
    let sync: SyncService | null = null;
    try {
      sync = this.moduleRef.get(SyncService, { strict: false });
    } catch {
      // No sync module in this application: the interval sweep is enough.
    }
    this.stopListening = sync?.onRunFinished(({ position }) => void this.afterSync(position)) ?? null;
  }

  private async afterSync(position: bigint): Promise<void> {
    if (!this.timer) return;
    try {
      await this.runner.waitForPosition(position, AFTER_SYNC_WAIT_MS);
    } catch (error) {
      // The database went away (an outage, a shutdown): the interval sweep catches up later.
      this.logger.warn(`Sweep after a sync skipped: ${(error as Error).message}`);
      return;
    }
    // A sweep already under way may have read before the sync's rows were visible: run again after it.
    await this.running;
    if (this.timer) await this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopListening?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.aggregator.idle();
    await this.imports.idle();
  }

  /** One sweep of request logs and pending imports (graceMs 0 at start: nothing is in flight yet in this process). */
  run(graceMs?: number): Promise<void> {
    this.running ??= (async () => {
      try {
        const folded = await this.aggregator.sweep(graceMs === undefined ? {} : { graceMs });
        const resumed = await this.imports.resumePending(graceMs);
        if (folded + resumed > 0) this.logger.log(`Recorded ${folded} pending request-log total(s) and ${resumed} pending import(s).`);
      } catch (error) {
        this.logger.error(`Sweep failed; retried on the next interval: ${(error as Error).stack ?? error}`);
      }
    })().finally(() => (this.running = null));
    return this.running;
  }
}

/**
 * Per-request ingest (`POST /ingest/usage`), manual entries and CSV imports, all recorded as
 * `UsageObserved` through the ledger's `RecordUsageHandler`. Needs the platform (database,
 * event store), identity (workspace scoping) and the accounts module (ingest keys, accounts),
 * which it finds in the application without importing it again.
 */
@Module({
  controllers: [IngestController, ManualEntriesController, ImportsController, CoverageController],
  providers: [
    { provide: INGEST_TABLES, inject: [SQL_DATABASE], useFactory: async (db: SqlDatabase) => (await migrateIngest(db), true) },
    { provide: RecordUsageHandler, inject: [EVENT_STORE], useFactory: (store: EventStore) => new RecordUsageHandler(store) },
    { provide: LedgerReader, inject: [EVENT_STORE], useFactory: (store: EventStore) => new LedgerReader(store) },
    { provide: RequestInbox, inject: [SQL_DATABASE, INGEST_TABLES], useFactory: (db: SqlDatabase) => new RequestInbox(db) },
    {
      provide: RequestLogAggregator,
      inject: [SQL_DATABASE, RecordUsageHandler, LedgerReader, INGEST_TABLES],
      useFactory: (db: SqlDatabase, record: RecordUsageHandler, ledger: LedgerReader) => new RequestLogAggregator(db, record, { ledger }),
    },
    {
      provide: IngestService,
      inject: [RequestInbox, RequestLogAggregator],
      useFactory: (inbox: RequestInbox, aggregator: RequestLogAggregator) => new IngestService(inbox, aggregator),
    },
    {
      provide: ManualEntriesService,
      inject: [SQL_DATABASE, LedgerReader, RecordUsageHandler, ModuleRef, INGEST_TABLES],
      useFactory: (db: SqlDatabase, ledger: LedgerReader, record: RecordUsageHandler, moduleRef: ModuleRef) =>
        new ManualEntriesService(db, ledger, record, () => moduleRef.get(AccountsService, { strict: false })),
    },
    {
      provide: ImportsService,
      inject: [SQL_DATABASE, LedgerReader, RecordUsageHandler, ModuleRef, INGEST_TABLES],
      useFactory: (db: SqlDatabase, ledger: LedgerReader, record: RecordUsageHandler, moduleRef: ModuleRef) =>
        new ImportsService(db, ledger, record, () => moduleRef.get(AccountsService, { strict: false })),
    },
    { provide: CoverageQueries, inject: [SQL_DATABASE, INGEST_TABLES], useFactory: (db: SqlDatabase) => new CoverageQueries(db) },
    IngestKeyGuard,
    IngestSweeper,
  ],
  exports: [RequestLogAggregator, ImportsService, IngestSweeper],
})
export class IngestModule {}
