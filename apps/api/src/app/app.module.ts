import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, PlatformModule } from '@act/server/platform';
import { EventTypeStat, eventTypeStatsProjection } from '@act/server/projections';
import { usageLedgerProjection } from '@act/server/usage';

/**
 * The composition root: which projections and read-model entities this product runs, and
 * which feature modules it serves. Feature modules (identity, accounts, usage, …) are added
 * to `imports` as they arrive.
 */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          config,
          projections: [eventTypeStatsProjection, usageLedgerProjection],
          entities: [EventTypeStat],
        }),
      ],
    };
  }
}
