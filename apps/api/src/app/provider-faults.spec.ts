import { randomBytes } from 'node:crypto';
import { testEngines } from '@act/server/database/testing';
import { SQL_DATABASE } from '@act/server/platform';
import type { SqlDatabase } from '@act/server/database';
import { SyncService } from '@act/server/sync';
import { startProviderTestServer, TEST_KEYS, type ProviderTestServer, type TestServerFault } from '@act/server/connectors/testing';
import { ApiClient } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';

type Provider = 'openai' | 'anthropic' | 'openrouter';

interface FaultCase {
  name: string;
  fault: TestServerFault;
  /** Only requests under this path get the fault (all of them, on every attempt, until it is cleared). */
  path?: string;
  expected: { category: string; code: string };
  /** A passing problem: attention only once it outlives this many runs; a schema change: at the first. */
  runs: number;
}

const KEYS: Record<Provider, string> = {
  openai: TEST_KEYS.openai.admin,
  anthropic: TEST_KEYS.anthropic.admin,
  openrouter: TEST_KEYS.openrouter.management,
};

/** The endpoint whose answers carry the money field of each provider, and a field to rename. */
const SHAPES: Record<Provider, { costPath: string; amountField: string; renamed: string; usagePath: string; paginated: boolean }> = {
  openai: { costPath: '/v1/organization/costs', amountField: 'value', renamed: 'input_tokens', usagePath: '/v1/organization/usage/completions', paginated: true },
  anthropic: {
    costPath: '/v1/organizations/cost_report',
    amountField: 'amount',
    renamed: 'uncached_input_tokens',
    usagePath: '/v1/organizations/usage_report/messages',
    paginated: true,
  },
  openrouter: { costPath: '/api/v1/activity', amountField: 'usage', renamed: 'prompt_tokens', usagePath: '/api/v1/activity', paginated: false },
};

function faultCases(provider: Provider): FaultCase[] {
  const shape = SHAPES[provider];
  const cases: FaultCase[] = [
    {
      name: '429 with a Retry-After longer than the sync waits',
      fault: { kind: 'rate_limit', retryAfterSeconds: 30 },
      expected: { category: 'rate_limited', code: 'retry_after_too_long' },
      runs: 3,
    },
    {
      name: 'a 5xx outage (every attempt)',
      fault: { kind: 'server_error', status: provider === 'anthropic' ? 529 : 503 },
      expected: { category: 'transient', code: 'server_error' },
      runs: 3,
    },
    { name: 'time-outs (an endpoint that never answers)', fault: { kind: 'hang' }, expected: { category: 'unreachable', code: 'timeout' }, runs: 3 },
    { name: 'connection resets', fault: { kind: 'reset' }, expected: { category: 'transient', code: 'connection_lost' }, runs: 3 },
    {
      name: 'truncated JSON',
      fault: { kind: 'truncated', lengthMatches: true },
      path: shape.usagePath,
      expected: { category: 'transient', code: 'truncated_answer' },
      runs: 3,
    },
    {
      name: 'a renamed field',
      fault: { kind: 'rename_field', from: shape.renamed, to: `${shape.renamed}_v2` },
      path: shape.usagePath,
      expected: { category: 'provider_schema_changed', code: 'missing_field' },
      runs: 1,
    },
    {
      name: 'an amount of the wrong type',
      fault: { kind: 'wrong_type', field: shape.amountField },
      path: shape.costPath,
      expected: { category: 'provider_schema_changed', code: 'wrong_type' },
      runs: 1,
    },
  ];
  if (shape.paginated) {
    cases.push({
      name: 'a page cursor that repeats',
      fault: { kind: 'repeat_cursor' },
      path: shape.usagePath,
      expected: { category: 'provider_schema_changed', code: 'repeated_cursor' },
      runs: 1,
    });
  }
  return cases;
}

/**
 * Provider faults end to end: the real app syncs an account against a local provider test server that
 * misbehaves, and a reference account against an identical server that does not. Every fault must end in
 * a failed run with its category in the sync history, leave the ledger exactly as it was (a chunk is
 * recorded whole or not at all), show "needs attention" on the account when it persists (at once for a
 * changed answer) while sync stays enabled, and recover on the next run once the fault stops: the account's
 * ledger then equals the reference account's, row by row.
 */
for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`provider faults end to end [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    // The servers' clock stands still, so late-arriving data cannot change numbers between two runs.
    const frozen = new Date();
    const yesterday = new Date(frozen.getTime() - 86_400_000).toISOString().slice(0, 10);
    let t: TestApp;
    const owner = new ApiClient(() => t.base);
    let ws: string;
    const tally = { faults: 0, failedRuns: 0, recoveries: 0 };

    beforeAll(async () => {
      t = await startTestApp(engine, {
        CREDENTIAL_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNC_SCHEDULER: 'false',
        SYNC_BACKFILL_DAYS: '6',
        SYNC_CHUNK_DAYS: '7',
        SYNC_LOOKBACK_DAYS: '3',
      });
      // Short time-outs and retries: each fault runs its course in milliseconds instead of minutes.
      t.app.get(SyncService).connectorOptions = {
        timeoutMs: 300,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5_000 },
      };
      ws = (await owner.register('faults@example.test')).body.workspaces[0].id;
    });

    afterAll(async () => {
      await t?.dispose();
      // Figures for the reliability notes.
      process.stdout.write(`provider faults [${engine}]: ${JSON.stringify(tally)}\n`);
    });

    const head = async () => (await owner.get('/health')).body.eventStore.headPosition as string;

    async function syncAndWait(accountId: string) {
      const started = await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`);
      expect(started.body.state).toBe('started');
      const deadline = Date.now() + 60_000;
      for (;;) {
        const runs = (await owner.get(`/workspaces/${ws}/accounts/${accountId}/sync-runs?waitFor=${await head()}`)).body.items;
        const run = runs.find((r: { id: string }) => r.id === started.body.runId);
        if (run && run.status !== 'running') return run;
        if (Date.now() > deadline) throw new Error(`run still running: ${JSON.stringify(run)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    const account = async (accountId: string) => (await owner.get(`/workspaces/${ws}/accounts/${accountId}?waitFor=${await head()}`)).body;

    /** The account's ledger, row by row, without what differs between two accounts (ids, times, positions). */
    async function ledger(accountId: string) {
      const db = t.app.get<SqlDatabase>(SQL_DATABASE);
      await owner.get(`/workspaces/${ws}/accounts?waitFor=${await head()}`);
      const usage = await db.query(
        `select day::text as day, request_type, input_uncached::text, input_cached_read::text, cache_write_5m::text, cache_write_1h::text,
                output::text, reasoning::text, requests::text, images::text, audio_seconds::text, characters::text, web_search_calls::text,
                reported_cost::text, final
           from usage_latest where workspace_id = $1 and account_id = $2 order by day, request_type`,
        [ws, accountId],
      );
      const costs = await db.query(
        `select day::text as day, line_item, amount::text as amount, currency, final from cost_latest where workspace_id = $1 and account_id = $2 order by day, line_item`,
        [ws, accountId],
      );
      const [total] = await db.query<{ total: string | null }>(`select sum(amount)::text as total from cost_latest where workspace_id = $1 and account_id = $2`, [ws, accountId]);
      return { usage, costs, total: total.total };
    }

    for (const provider of ['openai', 'anthropic', 'openrouter'] as const) {
      describe(provider, () => {
        let faulty: ProviderTestServer;
        let reference: ProviderTestServer;
        let faultyId: string;
        let referenceId: string;

        beforeAll(async () => {
          // Two pages per usage read on the faulty server, so a cursor can repeat and a later page can fail.
          faulty = await startProviderTestServer({ provider, now: () => frozen, pageSize: 2 });
          reference = await startProviderTestServer({ provider, now: () => frozen });
          const connect = async (name: string, server: ProviderTestServer) =>
            (await owner.post(`/workspaces/${ws}/accounts`, { provider, displayName: name, credentials: KEYS[provider], baseUrl: server.baseUrl })).body.account.id as string;
          faultyId = await connect(`${provider} under faults`, faulty);
          referenceId = await connect(`${provider} reference`, reference);
        });

        afterAll(async () => {
          await faulty?.close();
          await reference?.close();
        });

        it('syncs both accounts to the same ledger while nothing is wrong', async () => {
          expect((await syncAndWait(referenceId)).status).toBe('succeeded');
          expect((await syncAndWait(faultyId)).status).toBe('succeeded');
          const expected = await ledger(referenceId);
          expect(expected.usage.length).toBeGreaterThan(0);
          expect(expected.costs.length).toBeGreaterThan(0);
          expect(await ledger(faultyId)).toEqual(expected);
        });

        for (const c of faultCases(provider)) {
          it(`${c.name}: ${c.expected.category}/${c.expected.code}, ledger untouched, ${c.runs > 1 ? `attention after ${c.runs} failed runs` : 'attention at once'}, recovery`, async () => {
            // The provider revises yesterday on both servers: the failing runs have new numbers to (not) record.
            faulty.reviseDay(yesterday);
            reference.reviseDay(yesterday);
            expect((await syncAndWait(referenceId)).status).toBe('succeeded');
            const target = await ledger(referenceId);
            const before = await ledger(faultyId);
            expect(before).not.toEqual(target);

            faulty.setFault(c.fault, { times: Infinity, ...(c.path ? { path: c.path } : {}) });
            let seenAttention: string | null = null;
            tally.faults++;
            for (let run = 1; run <= c.runs; run++) {
              const failed = await syncAndWait(faultyId);
              tally.failedRuns++;
              expect(failed).toMatchObject({ status: 'failed', error: { category: c.expected.category, code: c.expected.code } });
              expect(failed.error.message.length).toBeGreaterThan(20);
              expect(JSON.stringify(failed)).not.toContain(KEYS[provider]);
              // Nothing of the failed chunk reached the ledger.
              expect(await ledger(faultyId)).toEqual(before);
              const seen = await account(faultyId);
              // The account keeps syncing: a provider problem never pauses it.
              expect(seen).toMatchObject({ status: 'active', syncEnabled: true });
              seenAttention = seen.attention;
              if (run < c.runs) expect(seen.attention).toBeNull();
              else expect(seen.attention).toMatch(c.runs > 1 ? new RegExp(`^The last ${c.runs} syncs failed.*${c.expected.code}`) : /^The provider's answer changed/);
            }
            const listed = (await owner.get(`/workspaces/${ws}/accounts`)).body.items.find((a: { id: string }) => a.id === faultyId);
            expect(listed.attention).toEqual(seenAttention);
            expect(faulty.requests.some((r) => r.fault === c.fault.kind)).toBe(true);

            faulty.clearFaults();
            const recovered = await syncAndWait(faultyId);
            tally.recoveries++;
            expect(recovered).toMatchObject({ status: 'succeeded', error: null });
            expect(await account(faultyId)).toMatchObject({ status: 'active', syncEnabled: true, attention: null });
            expect(await ledger(faultyId)).toEqual(target);
          }, 120_000);
        }
      });
    }
  });
}
