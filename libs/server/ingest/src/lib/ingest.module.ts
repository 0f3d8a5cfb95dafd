import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { SQL_DATABASE } from '@act/server/platform';
import { AccountsService } from '@act/server/accounts';
import { RecordUsageHandler } from '@act/server/usage';
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

/** Sweeps once at start (what a crash left behind) and then on an interval; stops before the database closes. */
@Injectable()
export class IngestSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('IngestSweep');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly aggregator: RequestLogAggregator,
    private readonly imports: ImportsService,
  ) {}

  onApplicationBootstrap(): void {
    this.run(0);
    this.timer = setInterval(() => this.run(), INGEST_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
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
  controllers: [IngestController, ManualEntriesController, ImportsController],
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
    IngestKeyGuard,
    IngestSweeper,
  ],
  exports: [RequestLogAggregator, ImportsService, IngestSweeper],
})
export class IngestModule {}
