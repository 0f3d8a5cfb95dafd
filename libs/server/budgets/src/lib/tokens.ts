/** The notification outbox (router and dispatcher), one per process. */
export const NOTIFICATION_OUTBOX = Symbol('NotificationOutbox');
