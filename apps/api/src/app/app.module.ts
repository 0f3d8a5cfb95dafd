import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, PlatformModule } from '@act/server/platform';
import { EventTypeStat, eventTypeStatsProjection } from '@act/server/projections';
import { usageLedgerProjection } from '@act/server/usage';
import { directoryProjection, IdentityModule } from '@act/server/identity';
import { AccountsModule, type AccountsModuleOptions } from '@act/server/accounts';
import { IngestModule } from '@act/server/ingest';
import { SyncModule, syncRunsProjection } from '@act/server/sync';
import { ReportingModule, reportingProjections } from '@act/server/reporting';
import { BudgetsModule, budgetsProjections } from '@act/server/budgets';
import { BackupModule } from '@act/server/backup';

export interface AppOptions {
  accounts?: AccountsModuleOptions;
}

/**
 * The composition root: which projections and read-model entities this product runs, and
 * which feature modules it serves.
 */
@Module({})
export class AppModule {
  static register(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          projections: [
            eventTypeStatsProjection,
            usageLedgerProjection,
            directoryProjection,
            syncRunsProjection,
            ...reportingProjections,
            ...budgetsProjections,
          ],
          entities: [EventTypeStat],
        }),
        IdentityModule,
        AccountsModule.forRoot(options.accounts),
        IngestModule,
        SyncModule,
        ReportingModule,
        BudgetsModule,
        BackupModule,
      ],
    };
  }
}
