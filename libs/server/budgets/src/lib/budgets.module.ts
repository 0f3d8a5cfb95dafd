import { Inject, Injectable, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { MAILER, type Mailer } from '@act/server/identity';
import { APP_CONFIG, jobLeaseOptions, SQL_DATABASE, type AppConfig } from '@act/server/platform';
import type { Projection } from '@act/server/projections';
import { CREDENTIAL_VAULT } from '@act/server/accounts';
import type { CredentialVault } from '@act/server/secrets';
import { AlertEvaluator } from './alert-evaluator';
import { AlertsService } from './alerts.service';
import { BudgetsController } from './budgets.controller';
import { budgetsProjection } from './budgets.projection';
import { BudgetsService } from './budgets.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { migrateOutbox } from './outbox-schema';
import { NotificationOutbox } from './outbox';
import { NotificationSender } from './senders';
import { NOTIFICATION_OUTBOX } from './tokens';

/** Runs the outbox loop from bootstrap until the module stops (before the platform closes the database). */
@Injectable()
export class NotificationLoop implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(NOTIFICATION_OUTBOX) private readonly outbox: NotificationOutbox) {}

  onApplicationBootstrap(): void {
    this.outbox.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.outbox.stop();
  }
}

/**
 * Budgets, forecasts, anomalies, alerts (the evaluation process) and notifications (channels,
 * preferences, the outbox router and dispatcher). Needs the platform, identity (workspace
 * scoping, the mailer) and the accounts module (the credential vault), which the app provides.
 */
@Module({
  controllers: [BudgetsController, NotificationsController],
  providers: [
    {
      provide: NOTIFICATION_OUTBOX,
      inject: [SQL_DATABASE, EVENT_STORE, CREDENTIAL_VAULT, MAILER, APP_CONFIG],
      useFactory: async (db: SqlDatabase, store: EventStore, vault: CredentialVault, mailer: Mailer, config: AppConfig) => {
        await migrateOutbox(db, await store.headPosition());
        const sender = new NotificationSender(mailer, { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true' }, config.NOTIFY_TIMEOUT_MS);
        return new NotificationOutbox(db, store, vault, sender, {
          maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
          retryBaseMs: config.NOTIFY_RETRY_BASE_MS,
          retryMaxMs: config.NOTIFY_RETRY_MAX_MS,
          timeoutMs: config.NOTIFY_TIMEOUT_MS,
          ratePerMinute: config.NOTIFY_CHANNEL_RATE_PER_MINUTE,
          pollMs: config.NOTIFY_POLL_INTERVAL_MS,
          lease: jobLeaseOptions(config),
          ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
        });
      },
    },
    BudgetsService,
    AlertsService,
    AlertEvaluator,
    NotificationsService,
    NotificationLoop,
  ],
  exports: [BudgetsService, AlertsService, AlertEvaluator, NotificationsService, NOTIFICATION_OUTBOX],
})
export class BudgetsModule {}

/** The projections this module needs the app to run. */
export const budgetsProjections: readonly Projection[] = [budgetsProjection];
