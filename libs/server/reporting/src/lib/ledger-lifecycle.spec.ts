import type { SqlDatabase } from '@act/server/database';
import type { EventStore } from '@act/server/event-store';
import type { AppConfig } from '@act/server/platform';
import type { ProjectionRunner } from '@act/server/projections';
import type { RecomputeWorker } from '@act/server/usage';
import { AUTO_RECOMPUTE_EVERY_MS, LedgerLifecycle } from './ledger-lifecycle';

/** The lifecycle's loop with stand-ins: what it runs, when, and that it holds off during a rebuild. */
describe('LedgerLifecycle', () => {
  function harness() {
    const state = { building: false, leaseFree: true, runOnce: 0, autoStarts: 0 };
    // The lease's statements see a free lease (one row back) or another holder's (none).
    const query = async (sql: string) => (sql.includes('job_leases') ? (state.leaseFree ? [{ holder: 'this process' }] : []) : [{ building: state.building }]);
    const db = { query, transaction: async <T>(work: (tx: unknown) => Promise<T>) => work({ query }) } as unknown as SqlDatabase;
    const worker = {
      runOnce: async () => {
        state.runOnce += 1;
        return false;
      },
      startPendingRecomputes: async () => {
        state.autoStarts += 1;
        return [];
      },
    } as unknown as RecomputeWorker;
    const runner = { waitForPosition: async () => true, runOnce: async () => false } as unknown as ProjectionRunner;
    const config = { EVENT_POLL_INTERVAL_MS: 10, JOB_LEASE_TTL_MS: 1000, JOB_LEASE_RENEW_MS: 50 } as AppConfig;
    const lifecycle = new LedgerLifecycle(db, {} as EventStore, config, runner, worker);
    return { state, lifecycle };
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  async function until(condition: () => boolean, ms = 10_000) {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not reached');
      await sleep(10);
    }
  }

  it('runs the worker from bootstrap until destroy, and looks for unstarted recomputes at most every 10 s', async () => {
    const { state, lifecycle } = harness();
    expect(lifecycle.idleWaitMs).toBe(100);
    await lifecycle.onApplicationBootstrap();
    await until(() => state.runOnce >= 3);
    await lifecycle.onModuleDestroy();
    // Idle passes every 100 ms; the look for unstarted recomputes only on the first (then every 10 s).
    expect(state.autoStarts).toBe(1);
    expect(AUTO_RECOMPUTE_EVERY_MS).toBe(10_000);
    const after = state.runOnce;
    await sleep(150);
    expect(state.runOnce).toBe(after);
  });

  it('does nothing while the usage ledger is being rebuilt, and carries on after the switch', async () => {
    const { state, lifecycle } = harness();
    state.building = true;
    await lifecycle.onApplicationBootstrap();
    await sleep(300);
    expect(state).toMatchObject({ runOnce: 0, autoStarts: 0 });
    state.building = false;
    await until(() => state.runOnce > 0 && state.autoStarts > 0);
    await lifecycle.onModuleDestroy();
    expect(state.autoStarts).toBe(1);
  });

  it('runs nothing while another api process holds the recompute-worker lease, and takes over when it is free', async () => {
    const { state, lifecycle } = harness();
    state.leaseFree = false;
    await lifecycle.onApplicationBootstrap();
    await sleep(300);
    expect(state).toMatchObject({ runOnce: 0, autoStarts: 0 });
    state.leaseFree = true;
    await until(() => state.runOnce > 0);
    await lifecycle.stop();
  });
});
