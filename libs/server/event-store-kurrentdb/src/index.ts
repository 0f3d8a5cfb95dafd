/** The KurrentDB (EventStoreDB) adapter of the event-store port, for scale-out deployments. */
export * from './lib/kurrentdb-event-store';
