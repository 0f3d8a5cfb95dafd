import { SchedulerRegistry } from '@nestjs/schedule';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import type { AppConfig } from '@act/server/platform';
import { ProjectionRunner } from '@act/server/projections';
import { SyncLeases } from './sync-leases';
import { SyncScheduler } from './sync-scheduler';
import type { SyncService } from './sync.service';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Which accounts a tick picks, on a real database: the `accounts` and `sync_runs` read models
 * are stood in for by tables of the columns the scheduler reads, and SyncService by a recorder
 * of the starts it is asked for (the runs themselves are covered by the api's sync spec).
 */
describeOnEachEngine('SyncScheduler.tick', (database) => {
  const db = () => database().db;
  let scheduler: SyncScheduler;
  let leases: SyncLeases;
  const started: string[] = [];

  beforeEach(async () => {
    await resetDatabase(db());
    started.length = 0;
    const store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
    const runner = new ProjectionRunner(db(), store, [], { logger: quiet });
    await runner.initialize();
    leases = new SyncLeases(db());
    await leases.migrate();
    await db().exec(`
      create table accounts (workspace_id text not null, account_id text primary key, status text not null, provider text not null);
      create table sync_runs (run_id text primary key, account_id text not null, status text not null, started_at timestamptz not null);
    `);
    const sync = {
      start: async (_workspaceId: string, accountId: string) => {
        started.push(accountId);
        return { state: 'started' as const, runId: `run-${accountId}`, done: Promise.resolve() };
      },
    } as unknown as SyncService;
    const config = { SYNC_SCHEDULER: 'false', SYNC_TICK_SECONDS: 60, SYNC_INTERVAL_MINUTES: 60 } as AppConfig;
    scheduler = new SyncScheduler(new SchedulerRegistry(), sync, db(), config, store, runner);
  });

  async function account(id: string, run?: { status: string; ago: string }, provider = 'openai') {
    await db().query(`insert into accounts values ('ws', $1, 'active', $2)`, [id, provider]);
    if (run) await db().query(`insert into sync_runs values ($1, $2, $3, now() - $4::interval)`, [`r-${id}`, id, run.status, run.ago]);
  }

  it('starts accounts that never ran or whose last run is older than the interval, and no others', async () => {
    await account('never');
    await account('recent', { status: 'succeeded', ago: '10 minutes' });
    await account('old', { status: 'succeeded', ago: '2 hours' });
    await account('no-usage-api', undefined, 'groq');
    expect(await scheduler.tick()).toBe(2);
    expect(started.sort()).toEqual(['never', 'old']);
  });

  it('starts at once an account whose run was orphaned by a dead process (still running, its lease gone), but not a live run', async () => {
    await account('orphaned', { status: 'running', ago: '2 minutes' });
    await account('live', { status: 'running', ago: '2 minutes' });
    await account('just-started', { status: 'running', ago: '1 second' });
    expect(await leases.tryAcquire('live', 'another-process', 60_000)).toBe(true);
    expect(await scheduler.tick()).toBe(1);
    expect(started).toEqual(['orphaned']);
    await leases.release('live', 'another-process');
  });
});
