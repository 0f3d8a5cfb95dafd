import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SqlExecutor } from '@act/server/database';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { NewEvent, PostgresEventStore, RecordedEvent } from '@act/server/event-store';
import { isDeadLocalHolder, JobLease, migrateJobLeases, PROCESS_HOLDER } from './job-lease';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const counted = (n: number): NewEvent[] => Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'Counted', data: { i } }));

/** Polls `check` (no timing assertion: only a generous bound so a broken lease fails the test instead of hanging it). */
async function eventually(check: () => Promise<boolean> | boolean, what: string, boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A projection that records which process (runner) applied which position. */
function recorder(process: string, seen: { process: string; position: bigint }[]): Projection {
  return {
    name: 'lease_recorder',
    version: 1,
    tables: ['lease_recorded'],
    eventTypes: ['Counted'],
    async setup(tx) {
      await tx.query('create table lease_recorded (position bigint primary key, process text not null)');
    },
    async apply(tx: SqlExecutor, batch: readonly RecordedEvent[]) {
      for (const e of batch) seen.push({ process, position: e.globalPosition });
      // A primary key: applying one position twice would fail the batch, not hide.
      await tx.query(`insert into lease_recorded select (x->>'p')::bigint, $2 from jsonb_array_elements($1::jsonb) x`, [
        JSON.stringify(batch.map((e) => ({ p: String(e.globalPosition) }))),
        process,
      ]);
    },
  };
}

describeOnEachEngine('JobLease', (database) => {
  const db = () => database().db;
  const leases: JobLease[] = [];
  const lease = (holder: string, options = {}) => {
    const l = new JobLease(db(), 'job', { holder, ttlMs: 300, renewEveryMs: 50, ...options });
    leases.push(l);
    return l;
  };

  beforeEach(async () => {
    await resetDatabase(db());
    await migrateJobLeases(db());
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.stop()));
  });

  it('has one holder at a time; a renewal by the holder keeps it', async () => {
    const a = lease('a');
    const b = lease('b');
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
    expect(a.held).toBe(true);
    expect(b.held).toBe(false);
    expect(await JobLease.holderOf(db(), 'job')).toBe('a');
  });

  it('a released lease is taken by the next process at once', async () => {
    const a = lease('a');
    const b = lease('b');
    await a.tryAcquire();
    await a.release();
    expect(a.held).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
  });

  it('a dead holder (no more heartbeats) loses the lease once it expires, and a waiting process takes over', async () => {
    const dead = lease('dead');
    expect(await dead.tryAcquire()).toBe(true); // then never renewed: the process "died"
    const survivor = lease('survivor');
    survivor.start();
    expect(await survivor.tryAcquire()).toBe(false);
    await survivor.waitUntilHeld(10_000);
    expect(survivor.held).toBe(true);
    expect(await JobLease.holderOf(db(), 'job')).toBe('survivor');
    // The old holder, back from a long pause, cannot renew what it lost.
    expect(await dead.tryAcquire()).toBe(false);
  });

  it('the heartbeat keeps a live holder in place past many lease lifetimes', async () => {
    const a = lease('a');
    a.start();
    await a.waitUntilHeld(10_000);
    const b = lease('b');
    for (let i = 0; i < 10; i++) {
      expect(await b.tryAcquire()).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await JobLease.holderOf(db(), 'job')).toBe('a');
  });

  it('takes the lease at once from a holder on this host whose process is gone (a restart after a crash)', async () => {
    // A real process that has exited: its pid is free (the OS does not hand it out again at once).
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const dead = lease(`${hostname()}:${gone}:abcd1234`, { ttlMs: 60_000, renewEveryMs: 1_000 });
    expect(await dead.tryAcquire()).toBe(true);
    const restarted = lease('restarted');
    expect(await restarted.tryAcquire()).toBe(true);
    expect(await JobLease.holderOf(db(), 'job')).toBe('restarted');
  });

  it('leaves a live local holder, and one of another host, to expire', async () => {
    for (const holder of [`${hostname()}:${process.ppid}:parent`, `not-this-host-${randomUUID()}:${process.pid + 100_000}:x`]) {
      await db().query('delete from job_leases');
      expect(await lease(holder, { ttlMs: 60_000, renewEveryMs: 1_000 }).tryAcquire()).toBe(true);
      expect(await lease('other').tryAcquire()).toBe(false);
      expect(await JobLease.holderOf(db(), 'job')).toBe(holder);
    }
  });

  it('tells a dead local holder from a live one, another host and a malformed id', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    expect(isDeadLocalHolder(`${hostname()}:${gone}:x`)).toBe(true);
    expect(isDeadLocalHolder(PROCESS_HOLDER)).toBe(false);
    expect(isDeadLocalHolder(`${hostname()}:${process.ppid}:x`)).toBe(false);
    expect(isDeadLocalHolder(`not-this-host-${randomUUID()}:${gone}:x`)).toBe(false);
    expect(isDeadLocalHolder('a')).toBe(false);
  });

  it('refuses a renewal interval that is not under the lifetime', () => {
    expect(() => new JobLease(db(), 'x', { ttlMs: 100, renewEveryMs: 100 })).toThrow(/renewEveryMs/);
  });
});

describeOnEachEngine('ProjectionRunner with a lease (several processes)', (database) => {
  const db = () => database().db;
  let store: PostgresEventStore;
  const runners: ProjectionRunner[] = [];
  const seen: { process: string; position: bigint }[] = [];

  async function process_(name: string) {
    const runner = new ProjectionRunner(db(), store, [recorder(name, seen)], {
      logger: quiet,
      batchSize: 7,
      idleWaitMs: 20,
      lease: { holder: name, ttlMs: 400, renewEveryMs: 50 },
    });
    runners.push(runner);
    await runner.initialize();
    runner.start();
    return runner;
  }

  beforeEach(async () => {
    seen.length = 0;
    await resetDatabase(db());
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });

  it('only the lease holder applies events; the others still see read-your-writes; a stopped holder is replaced', async () => {
    const [one, two, three] = [await process_('one'), await process_('two'), await process_('three')];
    await eventually(() => [one, two, three].some((r) => r.leading), 'a leader');
    const leader = [one, two, three].find((r) => r.leading) as ProjectionRunner;
    const followers = [one, two, three].filter((r) => r !== leader);
    expect(followers.every((r) => !r.leading)).toBe(true);

    const first = await store.appendToStream('a', counted(30));
    // A follower answers ?waitFor= from the registry, which the leader moves.
    for (const follower of followers) expect(await follower.waitForPosition(first.position, 10_000)).toBe(true);
    const leaderName = seen[0].process;
    expect(new Set(seen.map((s) => s.process))).toEqual(new Set([leaderName]));

    // The holder stops (a rolling restart): its lease is released and another process carries on.
    await leader.stop();
    runners.splice(runners.indexOf(leader), 1);
    const second = await store.appendToStream('a', counted(20));
    for (const follower of followers) expect(await follower.waitForPosition(second.position, 10_000)).toBe(true);
    await eventually(() => followers.some((r) => r.leading), 'a new leader');

    // Every position applied exactly once, in order, across both holders.
    expect(seen.map((s) => s.position)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 1)));
    expect(new Set(seen.slice(30).map((s) => s.process)).has(leaderName)).toBe(false);
    const [{ count }] = await db().query<{ count: string }>('select count(*)::text as count from lease_recorded');
    expect(count).toBe('50');
    // The registry's per-process counter tells the same story: two holders, 50 events in all, none twice.
    const applied = await db().query<{ holder: string; events: string }>(
      `select holder, events::text from projection_applied where name = 'lease_recorder' order by last_at`,
    );
    expect(applied.map((a) => a.holder)).toEqual([leaderName, expect.not.stringMatching(leaderName)]);
    expect(applied.reduce((sum, a) => sum + Number(a.events), 0)).toBe(50);
    expect(applied[0].events).toBe('30');
  });

  it('without a lease (lease: false) every runner loops, and the row locks still apply each event once', async () => {
    const runner = (name: string) => new ProjectionRunner(db(), store, [recorder(name, seen)], { logger: quiet, batchSize: 3, idleWaitMs: 20, lease: false });
    const [a, b] = [runner('a'), runner('b')];
    runners.push(a, b);
    await a.initialize();
    await b.initialize();
    a.start();
    b.start();
    expect(a.leading && b.leading).toBe(true);
    const { position } = await store.appendToStream('a', counted(40));
    expect(await a.waitForPosition(position, 10_000)).toBe(true);
    expect(seen.map((s) => s.position)).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i + 1)));
  });
});
