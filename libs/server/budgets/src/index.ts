/**
 * Budgets, forecasts and anomalies over the ledger, alerts as events produced by an evaluation
 * process, notification channels and the outbox (router with its own checkpoint, dispatcher with
 * retries and backoff). See README.md and docs/architecture.md ("Alerts and notifications").
 */
export * from './lib/budgets.module';
export * from './lib/budgets.projection';
export * from './lib/alert-evaluator';
export * from './lib/alerts.service';
export * from './lib/budgets.service';
export * from './lib/notifications.service';
export * from './lib/outbox';
export * from './lib/outbox-schema';
export * from './lib/senders';
export * from './lib/webhook-target';
export * from './lib/forecasts';
export * from './lib/anomalies';
export * from './lib/tokens';
