/**
 * Budgets and alerts as pure deciders: budgets per workspace (`budgets-<ws>`), the alert
 * lifecycle (`alert-<alertId>`: raised once per condition and period, acknowledged, resolved),
 * notification channels and members' preferences (`notifications-<ws>`), and the alert rules as
 * pure functions from read-model figures to conditions. No I/O, no clock: time and ids come in.
 */
export * from './lib/budget';
export * from './lib/alert';
export * from './lib/conditions';
export * from './lib/notifications';
