import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { SyncLeases } from './sync-leases';

/** Polls (bounded, so a broken lease fails instead of hanging; no timing assertion). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeOnEachEngine('SyncLeases', (database) => {
  const db = () => database().db;
  const all: SyncLeases[] = [];
  const leases = () => {
    const l = new SyncLeases(db(), { ttlMs: 300, heartbeatMs: 50 });
    all.push(l);
    return l;
  };

  beforeEach(async () => {
    await resetDatabase(db());
    await leases().migrate();
  });
  afterEach(async () => {
    for (const l of all.splice(0)) for (const account of ['acc-1', 'acc-2']) for (const holder of ['a', 'b']) await l.release(account, holder);
  });

  it('one holder per account; others may sync other accounts', async () => {
    const [a, b] = [leases(), leases()];
    expect(await a.tryAcquire('acc-1', 'a', 300_000)).toBe(true);
    expect(await b.tryAcquire('acc-1', 'b', 300_000)).toBe(false);
    expect(await b.tryAcquire('acc-2', 'b', 300_000)).toBe(true);
    expect(await a.liveAccounts()).toEqual(new Set(['acc-1', 'acc-2']));
  });

  it("the heartbeat keeps a long run's lease although its expiry is short", async () => {
    const [a, b] = [leases(), leases()];
    expect(await a.tryAcquire('acc-1', 'a', 300_000)).toBe(true);
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(await b.tryAcquire('acc-1', 'b', 300_000)).toBe(false);
    }
    // The caller's own renewal between chunks still succeeds.
    expect(await a.renew('acc-1', 'a', 300_000)).toBe(true);
  });

  it("a process that died mid-sync frees the account after the short expiry, not the caller's five minutes", async () => {
    const dead = leases();
    expect(await dead.tryAcquire('acc-1', 'a', 300_000)).toBe(true);
    // The process dies: its heartbeat stops (release would delete the row: a crash does not).
    (dead as unknown as { stopHeartbeat(id: string): void }).stopHeartbeat('acc-1');
    const survivor = leases();
    await eventually(() => survivor.tryAcquire('acc-1', 'b', 300_000), 'the survivor takes the account over');
    expect(await survivor.liveAccounts()).toEqual(new Set(['acc-1']));
    // Back from a long pause, the old holder learns it lost the lease (the run stops with lease_lost).
    expect(await dead.renew('acc-1', 'a', 300_000)).toBe(false);
  });
});
