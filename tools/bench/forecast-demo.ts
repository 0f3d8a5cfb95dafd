/*
 * Demo series for the forecast backtest: the daily cost of the three accounts `npm run demo` syncs from the local
 * provider test servers (OpenAI, Anthropic, OpenRouter), and their sum, derived from the same generator with the same
 * settings as tools/demo/demo.mjs:
 *
 *   organisation = defaultTestOrganisation(provider)
 *   organisation.usage = { ...organisation.usage, seed: `demo-${provider}`, dayMultipliers: { [today − 9 days]: 4 } }
 *
 * "Cost" is what each test server bills for a day, read from the generator's own cost functions (the same ones the
 * servers' cost endpoints answer from): OpenAI `openAiCostRows` (the Costs API lines), Anthropic `anthropicCostRows`
 * (the cost report; the Priority Tier series has no billed line, and the 0.05 USD/day code-execution line is in),
 * OpenRouter `openRouterActivityRows(...).usage` (USD charged per model and endpoint). The generator is imported, not
 * copied.
 *
 * The demo's clock is fixed here (`DEMO_RUN_DAY`, noon UTC) so the backtest is reproducible: a day's numbers depend only
 * on the seed, the series and the day (a hash), except the anomaly day (9 days before the run) and the late-data
 * completeness of the last two days, which both follow the clock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyntheticUsage } from '../../libs/server/connectors/src/lib/testing/synthetic/usage';
import { dayNumber, dayText, Series } from './forecast-synthetic';

/*
 * The shapes used from the generator's modules, declared here rather than taken with `typeof import(...)`: those
 * modules import the workspace path aliases (`@act/domain/usage`, `@act/contracts`), which this tsconfig does not map,
 * so a type check of the benchmarks stays on the benchmarks. The modules themselves are loaded at run time.
 */
interface Amount {
  plus(other: Amount | string): Amount;
  toFixed(): string;
  toNumber(): number;
}
type DayRows<R> = (usage: SyntheticUsage, day: string, nowMs: number, revision: number) => R[];
interface Organisation {
  defaultTestOrganisation(provider: string): { usage?: SyntheticUsage | null };
}
interface OpenAiData {
  openAiCostRows: DayRows<{ amount: Amount }>;
}
interface AnthropicData {
  anthropicCostRows: DayRows<{ usd: Amount }>;
}
interface OpenRouterData {
  openRouterActivityRows: DayRows<{ usage: Amount }>;
}
interface UsageDomain {
  LedgerDecimal: new (value: number | string) => Amount;
}

/** The providers the demo connects through the test servers, in the demo's order. */
export const DEMO_PROVIDERS = ['openai', 'anthropic', 'openrouter'] as const;
export type DemoProvider = (typeof DEMO_PROVIDERS)[number];
/** The day the demo is taken to run (its `Date.now()`, at 12:00 UTC). */
export const DEMO_RUN_DAY = '2026-11-05';
/** `SYNC_BACKFILL_DAYS` in tools/demo/demo.mjs: the run day and the 89 before it. */
export const DEMO_BACKFILL_DAYS = 90;
/**
 * OpenRouter's test server, like OpenRouter, answers `/activity` for the last 30 completed UTC days only
 * (libs/server/connectors/src/lib/testing/routes/openrouter.ts), so that is all the demo's OpenRouter account holds.
 * The OpenAI and Anthropic test servers serve any past day.
 */
export const DEMO_OPENROUTER_ACTIVITY_DAYS = 30;
/** tools/demo/demo.mjs: `ANOMALY_DAY = day(-9)`, multiplier 4. */
export const DEMO_ANOMALY_OFFSET = -9;
export const DEMO_ANOMALY_MULTIPLIER = 4;

export interface DemoSeries extends Series {
  /** `openai`, `anthropic`, `openrouter` or `workspace` (the sum of the three). */
  readonly shape: DemoProvider | 'workspace';
}

let loaded: { organisation: Organisation; openai: OpenAiData; anthropic: AnthropicData; openrouter: OpenRouterData; usage: UsageDomain } | undefined;

/** The generator modules. Their cost functions import `@act/domain/usage` through the workspace path aliases. */
function generator() {
  if (loaded) return loaded;
  const root = join(__dirname, '../..');
  const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions as { paths: Record<string, string[]> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('tsconfig-paths') as { register(options: { baseUrl: string; paths: Record<string, string[]> }): () => void }).register({ baseUrl: root, paths });
  const synthetic = '../../libs/server/connectors/src/lib/testing/synthetic';
  /* eslint-disable @typescript-eslint/no-require-imports */
  loaded = {
    organisation: require('../../libs/server/connectors/src/lib/testing/organisation') as Organisation,
    openai: require(`${synthetic}/openai-data`) as OpenAiData,
    anthropic: require(`${synthetic}/anthropic-data`) as AnthropicData,
    openrouter: require(`${synthetic}/openrouter-data`) as OpenRouterData,
    usage: require('@act/domain/usage') as UsageDomain,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}

/** What the demo serves for a provider, as tools/demo/demo.mjs sets it up for a run on `runDay`. */
export function demoUsage(provider: DemoProvider, runDay = DEMO_RUN_DAY): SyntheticUsage {
  const organisation = generator().organisation.defaultTestOrganisation(provider);
  const anomalyDay = dayText(dayNumber(runDay) + DEMO_ANOMALY_OFFSET);
  return { ...(organisation.usage as SyntheticUsage), seed: `demo-${provider}`, dayMultipliers: { [anomalyDay]: DEMO_ANOMALY_MULTIPLIER } };
}

/** The billed cost of one day, USD, exact decimal text. */
export function demoDayCost(provider: DemoProvider, usage: SyntheticUsage, day: string, nowMs: number): string {
  const g = generator();
  switch (provider) {
    case 'openai':
      return g.openai
        .openAiCostRows(usage, day, nowMs, 0)
        .reduce((sum, row) => sum.plus(row.amount), zero())
        .toFixed();
    case 'anthropic':
      return g.anthropic
        .anthropicCostRows(usage, day, nowMs, 0)
        .reduce((sum, row) => sum.plus(row.usd), zero())
        .toFixed();
    case 'openrouter':
      return g.openrouter
        .openRouterActivityRows(usage, day, nowMs, 0)
        .reduce((sum, row) => sum.plus(row.usage), zero())
        .toFixed();
  }
}

/** 0 as the generator's decimal type (`LedgerDecimal`), for exact sums of its amounts. */
function zero(): Amount {
  return new (generator().usage.LedgerDecimal)(0);
}

/** The days [first, last] (day numbers) a provider's test server serves when the demo runs on `runDay`. */
export function servedDays(provider: DemoProvider, runDay = DEMO_RUN_DAY): { first: number; last: number } {
  const run = dayNumber(runDay);
  return provider === 'openrouter' ? { first: run - DEMO_OPENROUTER_ACTIVITY_DAYS, last: run - 1 } : { first: -Infinity, last: run };
}

/**
 * The demo's daily cost series from `firstDay` through the run day (as read at noon UTC on the run day, no revisions):
 * one per provider, then the workspace total (their exact sum, day by day).
 *
 * `asServed`: only the days the test servers answer for (OpenRouter: the last 30 completed days), which with
 * `firstDay` = run day − 89 is what the demo's ledger holds after its 90-day backfill; the workspace total then counts
 * OpenRouter from its first served day on. Otherwise every day straight from the generator: it has no first day set,
 * so an earlier `firstDay` extends the same series back in time with the same seed and settings.
 */
export function demoSeries(firstDay: string, runDay = DEMO_RUN_DAY, asServed = true): DemoSeries[] {
  const nowMs = Date.parse(`${runDay}T12:00:00Z`);
  const start = dayNumber(firstDay);
  const end = dayNumber(runDay) + 1;
  if (end - start < 1) throw new RangeError(`firstDay ${firstDay} is after the run day ${runDay}`);
  const out: DemoSeries[] = [];
  const total: Amount[] = [];
  for (let day = start; day < end; day++) total.push(zero());
  for (const provider of DEMO_PROVIDERS) {
    const usage = demoUsage(provider, runDay);
    const served = asServed ? servedDays(provider, runDay) : { first: -Infinity, last: Infinity };
    const from = Math.max(start, served.first);
    const to = Math.min(end - 1, served.last);
    const values: number[] = [];
    for (let day = from; day <= to; day++) {
      const cost = demoDayCost(provider, usage, dayText(day), nowMs);
      values.push(Number(cost));
      total[day - start] = total[day - start].plus(cost);
    }
    out.push({ shape: provider, start: from, values });
  }
  out.push({ shape: 'workspace', start, values: total.map((t) => t.toNumber()) });
  return out;
}

export const demoFirstBackfillDay = (runDay = DEMO_RUN_DAY): string => dayText(dayNumber(runDay) - (DEMO_BACKFILL_DAYS - 1));