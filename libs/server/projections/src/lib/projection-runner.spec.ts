import { randomUUID } from 'node:crypto';
import { PgPoolDatabase, SqlExecutor } from '@act/server/database';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { NewEvent, PostgresEventStore, RecordedEvent } from '@act/server/event-store';
import { eventTypeStatsProjection } from './event-type-stats.projection';
import { Projection, ProjectionContext } from './projection';
import { ProjectionRunner } from './projection-runner';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const events = (type: string, n: number): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type, data: { i } }));

/** Records what it saw, so tests can check order, once-only delivery and the rebuild flag. */
function recordingProjection(version = 1, options: { failOn?: () => string | undefined } = {}) {
  const seen: { position: bigint; context: ProjectionContext }[] = [];
  const projection: Projection = {
    name: 'recorder',
    version,
    tables: ['recorded_positions'],
    eventTypes: ['Counted', 'Poison'],
    async setup(tx) {
      await tx.query('create table recorded_positions (position bigint primary key, type text not null)');
    },
    async apply(tx: SqlExecutor, batch: readonly RecordedEvent[], context) {
      const poison = options.failOn?.();
      if (poison && batch.some((e) => e.type === poison)) throw new Error(`cannot handle ${poison}`);
      for (const e of batch) seen.push({ position: e.globalPosition, context });
      await tx.query(
        `insert into recorded_positions select (x->>'p')::bigint, x->>'t' from jsonb_array_elements($1::jsonb) x`,
        [JSON.stringify(batch.map((e) => ({ p: String(e.globalPosition), t: e.type })))],
      );
    },
  };
  return { projection, seen };
}

describeOnEachEngine('ProjectionRunner', (database, engine) => {
  let store: PostgresEventStore;
  const runners: ProjectionRunner[] = [];
  const db = () => database().db;

  async function runnerWith(projections: Projection[], options = {}) {
    const runner = new ProjectionRunner(db(), store, projections, { logger: quiet, batchSize: 7, rebuildBatchSize: 11, retryAfterMs: 50, ...options });
    runners.push(runner);
    await runner.initialize();
    return runner;
  }
  async function drain(runner: ProjectionRunner) {
    for (let pass = 0; pass < 1000 && (await runner.runOnce()); pass++);
  }
  const stats = () =>
    db().query<{ type: string; events: string }>('select type, events::text from event_type_stats order by type');

  beforeEach(async () => {
    await resetDatabase(db());
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });

  it('projects the log into read models and moves the checkpoint to the head', async () => {
    await store.appendToStream('a', events('Counted', 10));
    await store.appendToStream('b', events('Other', 5));
    const runner = await runnerWith([eventTypeStatsProjection]);
    await drain(runner);
    expect(await stats()).toEqual([
      { type: 'Counted', events: '10' },
      { type: 'Other', events: '5' },
    ]);
    const [status] = await runner.status();
    expect(status).toMatchObject({ name: 'event_type_stats', head: 15n, building: null });
    expect(status.active).toMatchObject({ version: 1, checkpoint: 15n, status: 'active', lastError: null });
  });

  it('applies each event once even when two runners (two processes) race on the same version', async () => {
    await store.appendToStream('a', events('Counted', 40));
    const { projection, seen } = recordingProjection();
    const [one, two] = [await runnerWith([projection]), await runnerWith([projection])];
    await Promise.all([drain(one), drain(two)]);
    expect(seen.map((s) => s.position)).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i + 1)));
    const [{ count }] = await db().query<{ count: string }>('select count(*)::text as count from recorded_positions');
    expect(count).toBe('40');
  });

  it('replaying a batch into the stats projection changes nothing (idempotent handler)', async () => {
    await store.appendToStream('a', events('Counted', 3));
    const runner = await runnerWith([eventTypeStatsProjection]);
    await drain(runner);
    const batch = await store.readAll(0n, 100);
    await db().transaction(async (tx) => {
      await tx.query('set local search_path to proj_event_type_stats_v1, public');
      await eventTypeStatsProjection.apply(tx, batch, { rebuilding: false, version: 1 });
    });
    expect(await stats()).toEqual([{ type: 'Counted', events: '3' }]);
  });

  it('rebuilds into a new version while readers keep the old one, then switches when caught up', async () => {
    await store.appendToStream('a', events('Counted', 30));
    const { projection, seen } = recordingProjection();
    const runner = await runnerWith([projection]);
    await drain(runner);
    const rebuilding = await runner.rebuild('recorder');
    expect(rebuilding).toMatchObject({ version: 2, status: 'building', checkpoint: 0n });
    expect(await runner.rebuild('recorder')).toMatchObject({ version: 2 }); // asking again joins it

    // One pass: v2 has replayed one batch; readers still see all of v1.
    await runner.runOnce();
    await store.appendToStream('a', events('Counted', 5)); // writes keep coming during the rebuild
    const [during] = await runner.status();
    expect(during.active.version).toBe(1);
    expect(during.building).toMatchObject({ version: 2, checkpoint: 11n });
    const [{ count: visible }] = await db().query<{ count: string }>('select count(*)::text as count from recorded_positions');
    expect(visible).toBe('30');

    await drain(runner);
    const [after] = await runner.status();
    expect(after.active).toMatchObject({ version: 2, checkpoint: 35n });
    expect(after.building).toBeNull();
    const [{ count }] = await db().query<{ count: string }>('select count(*)::text as count from recorded_positions');
    expect(count).toBe('35');
    const rebuiltBatches = seen.filter((s) => s.context.version === 2);
    expect(rebuiltBatches.length).toBe(35);
    expect(rebuiltBatches.slice(0, 30).every((s) => s.context.rebuilding)).toBe(true);
    expect(seen.filter((s) => s.context.version === 1).every((s) => !s.context.rebuilding)).toBe(true);

    // A second rebuild drops v1's schema and keeps v2's as the previous version.
    await runner.rebuild('recorder');
    await drain(runner);
    const schemas = await db().query<{ name: string }>(
      `select nspname as name from pg_namespace where nspname like 'proj_recorder_%' order by nspname`,
    );
    expect(schemas.map((s) => s.name)).toEqual(['proj_recorder_v2', 'proj_recorder_v3']);
  });

  it('runs the projection\'s beforeSwitch in the switch, on the rebuilt tables, once per switch', async () => {
    await store.appendToStream('a', events('Counted', 12));
    const { projection } = recordingProjection();
    const switches: { rows: string; schema: string }[] = [];
    const withHook: Projection = {
      ...projection,
      async beforeSwitch(tx) {
        // Unqualified names reach the version being switched in, already complete.
        const [row] = await tx.query<{ rows: string; schema: string }>(
          'select count(*)::text as rows, current_schema() as schema from recorded_positions',
        );
        switches.push(row);
      },
    };
    const runner = await runnerWith([withHook]);
    await drain(runner);
    expect(switches).toEqual([]); // the first version is built live: nothing to switch
    await runner.rebuild('recorder');
    await drain(runner);
    expect(switches).toEqual([{ rows: '12', schema: 'proj_recorder_v2' }]);
  });

  it('rebuilds on start when the projection code version changed, leaving the old version frozen meanwhile', async () => {
    await store.appendToStream('a', events('Counted', 12));
    await drain(await runnerWith([recordingProjection(1).projection]));
    await store.appendToStream('a', events('Counted', 3));
    const upgraded = await runnerWith([recordingProjection(2).projection]);
    const [before] = await upgraded.status();
    expect(before.active).toMatchObject({ version: 1, codeVersion: 1, checkpoint: 12n });
    expect(before.building).toMatchObject({ version: 2, codeVersion: 2 });
    await drain(upgraded);
    const [after] = await upgraded.status();
    expect(after.active).toMatchObject({ version: 2, codeVersion: 2, checkpoint: 15n });
  });

  it('a failing handler stops only its own projection, reports the error, and recovers', async () => {
    let poison: string | undefined = 'Poison';
    const { projection } = recordingProjection(1, { failOn: () => poison });
    const runner = await runnerWith([projection, eventTypeStatsProjection]);
    await store.appendToStream('a', [...events('Counted', 2), ...events('Poison', 1)]);
    await drain(runner);
    const byName = async (name: string) => (await runner.status()).find((p) => p.name === name)?.active;
    expect(await byName('recorder')).toMatchObject({ checkpoint: 0n, lastError: expect.stringContaining('cannot handle Poison') });
    expect(await byName('event_type_stats')).toMatchObject({ checkpoint: 3n, lastError: null });

    poison = undefined; // the fix is deployed
    await new Promise((r) => setTimeout(r, 60));
    await drain(runner);
    expect(await byName('recorder')).toMatchObject({ checkpoint: 3n, lastError: null });
  });

  it('lets a writer wait until read models include its append (read-your-writes)', async () => {
    const runner = await runnerWith([eventTypeStatsProjection]);
    runner.start();
    const { position } = await store.appendToStream('a', events('Counted', 4));
    expect(await runner.waitForPosition(position, 10_000)).toBe(true);
    expect(await stats()).toEqual([{ type: 'Counted', events: '4' }]);
    await runner.stop();
    const later = await store.appendToStream('a', events('Counted', 1));
    expect(await runner.waitForPosition(later.position, 100)).toBe(false);
  });

  it('refuses to rebuild a projection it does not know, naming the known ones', async () => {
    const runner = await runnerWith([eventTypeStatsProjection]);
    await expect(runner.rebuild('nope')).rejects.toThrow('Known projections: event_type_stats');
  });

  if (engine === 'postgresql') {
    it('keeps serving the old version to readers in another session during the switch', async () => {
      const { position } = await store.appendToStream('a', events('Counted', 20));
      const runner = await runnerWith([eventTypeStatsProjection]);
      runner.start();
      expect(await runner.waitForPosition(position, 10_000)).toBe(true);
      await runner.rebuild('event_type_stats');
      // Readers in parallel never see an empty or missing table while the rebuild runs and switches.
      for (let i = 0; i < 30; i++) {
        const rows = await stats();
        expect(rows).toEqual([{ type: 'Counted', events: '20' }]);
      }
      const deadline = Date.now() + 10_000;
      while ((await runner.status())[0].active.version !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect((await runner.status())[0].active.version).toBe(2);
      expect(await stats()).toEqual([{ type: 'Counted', events: '20' }]);
    });
  }

  // The other process is another pool on the same database, its poll set far beyond the test's
  // patience: only the batch's notification can wake its wait in time.
  (engine === 'postgresql' ? it : it.skip)('wakes a read-your-writes wait in another process when a batch commits (LISTEN)', async () => {
    const { projection } = recordingProjection();
    const leader = await runnerWith([projection], { lease: false });
    const otherDb = PgPoolDatabase.open(database().url ?? '', { max: 2 });
    const elsewhere = new ProjectionRunner(otherDb, new PostgresEventStore(otherDb), [projection], { logger: quiet, lease: false, progressPollMs: 60_000 });
    try {
      await elsewhere.initialize();
      const { position } = await store.appendToStream(`s-${randomUUID()}`, events('Counted', 3));
      // Its poll would end the wait at the 30 s deadline, which the race below calls 'late'.
      const waiting = elsewhere.waitForPosition(position, 30_000).then((reached) => (reached ? 'reached' : 'timed out'));
      await new Promise((resolve) => setTimeout(resolve, 200)); // it has looked once and now sleeps
      await drain(leader);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 10_000)));
      expect(await Promise.race([waiting, late])).toBe('reached');
      clearTimeout(timer);
    } finally {
      await elsewhere.stop();
      await otherDb.close();
    }
  });
});
