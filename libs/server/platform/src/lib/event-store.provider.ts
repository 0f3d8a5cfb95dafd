import { Logger } from '@nestjs/common';
import { redactUrl, type SqlDatabase } from '@act/server/database';
import { EventStore, PostgresEventStore } from '@act/server/event-store';
import { KurrentDbEventStore } from '@act/server/event-store-kurrentdb';
import type { AppConfig } from './app-config';

/**
 * The one place that knows which event store runs (EVENT_STORE). Everything else gets the
 * `EventStore` port through the EVENT_STORE token.
 */
export async function openEventStore(
  config: Pick<AppConfig, 'EVENT_STORE' | 'EVENTSTORE_CONNECTION_STRING' | 'EVENT_POLL_INTERVAL_MS'>,
  db: SqlDatabase,
): Promise<EventStore> {
  const logger = new Logger('EventStore');
  if (config.EVENT_STORE === 'kurrentdb') {
    const connectionString = config.EVENTSTORE_CONNECTION_STRING;
    // loadConfig already refuses this; a caller building AppConfig by hand gets the same message.
    if (!connectionString) throw new Error('EVENT_STORE=kurrentdb needs EVENTSTORE_CONNECTION_STRING (e.g. kurrentdb://localhost:2113?tls=false).');
    const shown = redactUrl(connectionString);
    let store: KurrentDbEventStore;
    try {
      store = KurrentDbEventStore.connect(connectionString, { pollIntervalMs: config.EVENT_POLL_INTERVAL_MS });
    } catch (error) {
      // The client's parse errors quote the whole string, password included.
      const reason = (error as Error).message.split(connectionString).join(shown);
      throw new Error(`EVENTSTORE_CONNECTION_STRING is not a valid KurrentDB connection string: ${reason}`);
    }
    try {
      await store.verify();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw new Error(`The KurrentDB event store at ${shown} did not answer: ${(error as Error).message}`);
    }
    logger.log(`KurrentDB at ${shown}`);
    return store;
  }
  const store = new PostgresEventStore(db, { pollIntervalMs: config.EVENT_POLL_INTERVAL_MS });
  await store.migrate();
  await store.listenForOtherProcesses();
  logger.log(`Event log in the ${db.driver === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'} database`);
  return store;
}

/** Releases what the store holds beyond the database (the KurrentDB client's connections). */
export async function closeEventStore(store: EventStore): Promise<void> {
  if (store instanceof KurrentDbEventStore) await store.close();
}
