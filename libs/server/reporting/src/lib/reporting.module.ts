import { Logger, Module } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { SQL_DATABASE } from '@act/server/platform';
import type { Projection } from '@act/server/projections';
import {
  AuditQueries,
  CostCommands,
  CostVersionQueries,
  PriceChanges,
  PricingCommands,
  PricingQueries,
  RecomputeWorker,
  UsageQueries,
} from '@act/server/usage';
import { AuditController } from './audit.controller';
import { ExportController } from './export/export.controller';
import { LedgerLifecycle } from './ledger-lifecycle';
import { PricesController } from './prices.controller';
import { RecomputesController } from './recomputes.controller';
import { UsageController } from './usage.controller';

/**
 * The REST API of the usage ledger — month summary, daily series, the events behind a cell,
 * audit and period close, the price catalogue and overrides, recompute preview / apply /
 * progress, cost versions, and streamed exports (CSV, JSON, FOCUS) — plus the ledger's
 * lifecycle: the price catalogue seeded at start-up and the recompute worker running with the
 * app (see LedgerLifecycle). Reads go through the queries of `@act/server/usage`, scoped by
 * workspace; the platform (database, event store) and identity (workspace scoping) come from
 * the application.
 */
@Module({
  controllers: [UsageController, AuditController, PricesController, RecomputesController, ExportController],
  providers: [
    { provide: UsageQueries, inject: [SQL_DATABASE], useFactory: (db: SqlDatabase) => new UsageQueries(db) },
    { provide: AuditQueries, inject: [SQL_DATABASE], useFactory: (db: SqlDatabase) => new AuditQueries(db) },
    { provide: PricingQueries, inject: [SQL_DATABASE], useFactory: (db: SqlDatabase) => new PricingQueries(db) },
    { provide: CostVersionQueries, inject: [SQL_DATABASE], useFactory: (db: SqlDatabase) => new CostVersionQueries(db) },
    { provide: CostCommands, inject: [EVENT_STORE], useFactory: (store: EventStore) => new CostCommands(store) },
    { provide: PricingCommands, inject: [EVENT_STORE], useFactory: (store: EventStore) => new PricingCommands(store) },
    {
      provide: PriceChanges,
      inject: [EVENT_STORE, SQL_DATABASE],
      useFactory: (store: EventStore, db: SqlDatabase) => new PriceChanges(store, db),
    },
    {
      provide: RecomputeWorker,
      inject: [SQL_DATABASE, EVENT_STORE],
      useFactory: async (db: SqlDatabase, store: EventStore) => {
        // Auto-starting recomputes is LedgerLifecycle's job, so it can hold off during a rebuild.
        const worker = new RecomputeWorker(db, store, { autoStart: false, logger: new Logger('RecomputeWorker') });
        await worker.migrate();
        return worker;
      },
    },
    LedgerLifecycle,
  ],
  exports: [UsageQueries, AuditQueries, PricingQueries, CostVersionQueries, CostCommands, PriceChanges, RecomputeWorker, LedgerLifecycle],
})
export class ReportingModule {}

/**
 * The projections this module needs beside the ones the app already runs. None: every read
 * here is of `usage_ledger` (registered by the app as `usageLedgerProjection`) and of the
 * identity `directory` (account names); the recompute worker's staging tables are not a
 * projection (they hold work in progress) and are created by `RecomputeWorker.migrate()`.
 */
export const reportingProjections: readonly Projection[] = [];
