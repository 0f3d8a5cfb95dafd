import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SyncAttentionSource } from './sync-attention.source';
import { SyncController } from './sync.controller';
import { SyncScheduler } from './sync-scheduler';
import { SyncService } from './sync.service';

/** Scheduled and on-demand provider sync. */
@Module({
  // AccountsModule is global (imported once by the app); sync uses its services.
  imports: [ScheduleModule.forRoot()],
  controllers: [SyncController],
  providers: [
    SyncService,
    SyncScheduler,
    SyncAttentionSource,
  ],
  exports: [SyncService, SyncScheduler],
})
export class SyncModule {}
