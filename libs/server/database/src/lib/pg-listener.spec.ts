import pg from 'pg';
import { openTestDatabase, testEngines, type TestDatabase } from '../testing/test-databases';
import { PgListener } from './pg-listener';
import { PgPoolDatabase } from './pg-pool-database';

const postgres = testEngines().find((e) => e.engine === 'postgresql');
const run = postgres?.skipReason ? describe.skip : describe;

/** Resolves 'woken' when `wake` is called, 'not woken' after `ms`. */
function wakeUp(ms: number) {
  let wake: () => void = () => undefined;
  const woken = new Promise<'woken'>((resolve) => (wake = () => resolve('woken')));
  let timer: NodeJS.Timeout | undefined;
  const result = Promise.race([woken, new Promise<'not woken'>((resolve) => (timer = setTimeout(() => resolve('not woken'), ms)))]).finally(() =>
    clearTimeout(timer),
  );
  return { wake: () => wake(), result };
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

run(`LISTEN across connections [postgresql${postgres?.skipReason ? ` — skipped: ${postgres.skipReason}` : ''}]`, () => {
  let database: TestDatabase;
  let other: PgPoolDatabase;
  const url = () => database.url ?? '';
  const backends = async (applicationName: string) =>
    (await other.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [applicationName])).map((r) => r.pid);

  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
    other = PgPoolDatabase.open(url(), { max: 2 });
  });
  afterAll(async () => {
    await other?.close();
    await database?.dispose();
  });

  it('wakes a listener when another connection commits a notification, not before the commit', async () => {
    const db = database.db as PgPoolDatabase;
    const notified = wakeUp(20_000);
    let woken = false;
    await db.listen('act_test_channel', () => {
      woken = true;
      notified.wake();
    });
    await other.transaction(async (tx) => {
      await tx.query(`select pg_notify('act_test_channel', '')`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(woken).toBe(false);
    });
    expect(await notified.result).toBe('woken');
  });

  it('re-opens its connection after the server drops it, and wakes its handlers then', async () => {
    const name = 'act-test-listener';
    const listener = new PgListener(() => new pg.Client({ connectionString: url(), application_name: name }), { minRetryMs: 20 });
    try {
      let wakes = 0;
      await listener.listen('act_test_reconnect', () => (wakes += 1));
      expect(listener.connections).toBe(1);
      const [pid] = await backends(name);
      expect(pid).toBeDefined();

      await other.query('select pg_terminate_backend($1)', [pid]);
      await until(() => listener.connections === 2, 'the listener to reconnect');
      // Woken on reconnect: whatever was committed meanwhile is read at once.
      expect(wakes).toBe(1);

      const after = wakes;
      await other.query(`select pg_notify('act_test_reconnect', '')`);
      await until(() => wakes > after, 'a notification after the reconnect');
    } finally {
      await listener.close();
    }
    await until(async () => (await backends(name)).length === 0, 'the listener connection to end');
  });

  it('refuses a channel name that is not a plain identifier', async () => {
    const listener = new PgListener(() => new pg.Client({ connectionString: url() }));
    try {
      await expect(listener.listen('x; drop table es_events', () => undefined)).rejects.toThrow('Invalid channel name');
    } finally {
      await listener.close();
    }
  });
});
