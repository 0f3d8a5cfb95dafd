import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from 'decimal.js';
import { workspaceRoot } from './workspace';

/*
 * Support for the crash-safety suite's sync and recompute runs: a local OpenAI test server whose
 * synthetic organisation is frozen in time, and the golden totals it serves.
 *
 * The test server's numbers for a day grow while the day is recent (late data) and are 0 for
 * the running day; with its clock frozen at the start of today (UTC) and no late-data window,
 * every earlier day is complete and never changes, so a sync read at any moment, interrupted any
 * number of times, must end with exactly the organisation's numbers.
 */

interface Row extends Record<string, unknown> {
  model: string | null;
}
interface CostRow {
  amount: { toFixed(): string };
}
interface SyntheticUsage {
  seed: string;
  lateDataHours?: number;
  [key: string]: unknown;
}
interface Organisation {
  usage?: SyntheticUsage | null;
  [key: string]: unknown;
}
interface ProviderTestServer {
  baseUrl: string;
  requests: unknown[];
  setFault(fault: { kind: 'slow'; delayMs: number }, options?: { times?: number }): void;
  close(): Promise<void>;
}
interface Testing {
  startProviderTestServer(options: { provider: 'openai'; organisation: Organisation; now: () => Date; pageSize?: number }): Promise<ProviderTestServer>;
  defaultTestOrganisation(provider: 'openai'): Organisation;
  TEST_KEYS: { openai: { admin: string } };
  openAiUsageRows(usage: SyntheticUsage, endpoint: 'completions', day: string, nowMs: number, revision: number): Row[];
  openAiCostRows(usage: SyntheticUsage, day: string, nowMs: number, revision: number): CostRow[];
}

/** The connectors' test support bundled to CommonJS (TypeScript with path aliases and ES-module dependencies). */
async function loadTesting(): Promise<Testing> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'act-crash-providers-'));
  const entry = path.join(dir, 'entry.ts');
  const lib = path.join(workspaceRoot, 'libs/server/connectors/src');
  fs.writeFileSync(
    entry,
    [
      `export * from ${JSON.stringify(path.join(lib, 'testing'))};`,
      `export { openAiUsageRows, openAiCostRows } from ${JSON.stringify(path.join(lib, 'lib/testing/synthetic/openai-data'))};`,
    ].join('\n'),
  );
  const outfile = path.join(dir, 'testing.cjs');
  await esbuild.build({
    entryPoints: [entry],
    tsconfig: path.join(workspaceRoot, 'tsconfig.base.json'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile,
    logLevel: 'error',
  });
  return require(outfile) as Testing;
}

export interface DayGolden {
  /** Completions per model: all token classes summed, and model requests. */
  readonly models: Map<string, { tokens: number; requests: number }>;
  /** Everything billed that day (every cost line), exact. */
  readonly billed: string;
}

export interface FrozenOpenAi {
  readonly baseUrl: string;
  readonly adminKey: string;
  /** Requests the server answered (a sync that moved). */
  requestCount(): number;
  /** What the organisation used and was billed on `day`, as the server serves it. */
  golden(day: string): DayGolden;
  close(): Promise<void>;
}

/**
 * Starts the local OpenAI test server with the default synthetic organisation, frozen at the start of today (UTC).
 * `pageDelayMs` slows every answer, so that a run lasts long enough for a kill to land inside it.
 */
export async function startFrozenOpenAi(pageSize: number, pageDelayMs = 0): Promise<FrozenOpenAi> {
  const testing = await loadTesting();
  const organisation = testing.defaultTestOrganisation('openai');
  const usage: SyntheticUsage = { ...(organisation.usage as SyntheticUsage), lateDataHours: 0 };
  const today = new Date().toISOString().slice(0, 10);
  const frozen = Date.parse(`${today}T00:00:00.000Z`);
  const server = await testing.startProviderTestServer({
    provider: 'openai',
    organisation: { ...organisation, usage },
    now: () => new Date(frozen),
    pageSize,
  });
  if (pageDelayMs > 0) server.setFault({ kind: 'slow', delayMs: pageDelayMs }, { times: Infinity });
  return {
    baseUrl: server.baseUrl,
    adminKey: testing.TEST_KEYS.openai.admin,
    requestCount: () => server.requests.length,
    golden(day: string): DayGolden {
      const models = new Map<string, { tokens: number; requests: number }>();
      for (const row of testing.openAiUsageRows(usage, 'completions', day, frozen, 0)) {
        const model = row.model ?? 'unknown';
        const tokens = ['input_uncached_tokens', 'input_cached_tokens', 'input_cache_write_tokens', 'output_tokens'].reduce((sum, f) => sum + Number(row[f] ?? 0), 0);
        const entry = models.get(model) ?? { tokens: 0, requests: 0 };
        models.set(model, { tokens: entry.tokens + tokens, requests: entry.requests + Number(row['num_model_requests'] ?? 0) });
      }
      const billed = testing
        .openAiCostRows(usage, day, frozen, 0)
        .reduce((sum, row) => sum.plus(row.amount.toFixed()), new Decimal(0))
        .toFixed();
      return { models, billed };
    },
    close: () => server.close(),
  };
}

/** Prices of the recompute cycles: a different sheet each time, so each cycle changes every estimate. */
export function cyclePrices(cycle: number): { input: string; cacheRead: string; cacheWrite5m: string; output: string; reasoning: string } {
  const f = new Decimal(1).plus(new Decimal(cycle).div(10));
  return {
    input: new Decimal('0.0000002').times(f).toFixed(),
    cacheRead: new Decimal('0.0000001').times(f).toFixed(),
    cacheWrite5m: new Decimal('0.00000025').times(f).toFixed(),
    output: new Decimal('0.0000008').times(f).toFixed(),
    reasoning: new Decimal('0.0000008').times(f).toFixed(),
  };
}

/**
 * The golden recomputation in SQL: every current estimate of the repriced model from
 * `effectiveFrom` on (synced and imported rows), against the token classes × the sheet's prices (standard and batch rows
 * alike: the sheet sets the batch tier's prices to the same). Returns the rows that differ and
 * the two totals.
 */
export function recomputeCheckSql(workspaceId: string, accountId: string, modelPrefix: string, effectiveFrom: string, prices: ReturnType<typeof cyclePrices>): string {
  const expected = `(u.input_uncached * ${prices.input}::numeric + u.input_cached_read * ${prices.cacheRead}::numeric
        + u.cache_write_5m * ${prices.cacheWrite5m}::numeric + u.output * ${prices.output}::numeric + u.reasoning * ${prices.reasoning}::numeric)`;
  return `with current as (
      select e.* from cost_estimates e join cost_workspaces w on w.workspace_id = e.workspace_id
       where e.workspace_id = '${workspaceId}' and e.valid_from <= w.current_version and (e.valid_to is null or e.valid_to > w.current_version)
    ), rows as (
      select u.day, u.request_type, c.estimated, ${expected} as expected
        from usage_latest u join current c using (workspace_id, day, account_id, request_type)
       where u.workspace_id = '${workspaceId}' and u.account_id = '${accountId}' and u.source in ('usage-api', 'import')
         and u.model like '${modelPrefix}%' and u.operation = 'chat/completions' and u.day >= '${effectiveFrom}'::date
    )
    select count(*)::text as rows,
           count(*) filter (where estimated is distinct from expected)::text as differing,
           coalesce(sum(estimated), 0)::text as estimated,
           coalesce(sum(expected), 0)::text as expected
      from rows`;
}
