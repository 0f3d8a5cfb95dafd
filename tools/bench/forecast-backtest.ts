/*
 * Forecast backtest: for every day of every evaluated month of synthetic series and of the demo's series, forecast
 * the month total with what was known at the end of that day, and compare with the actual total. Ours
 * (`forecastMonth`) against the naive run-rate `spent / days elapsed × days in month`.
 *
 * The demo series (forecast-demo.ts) are the daily billed cost of the three accounts `npm run demo` syncs, and their
 * sum, from the same generator and settings as the demo: once as the demo's ledger holds them after its 90-day
 * backfill (OpenRouter: the 30 days its server serves), once straight from the generator over 12 complete months.
 *
 *   npx ts-node -P tools/bench/forecast.tsconfig.json tools/bench/forecast-backtest.ts [--series=N] [--workers=N] [--demo-run-day=YYYY-MM-DD] [--no-write]
 *
 * The forecasts run on worker threads (one per core, at most 4); the figures do not depend on how many.
 *
 * Prints the tables and rewrites the backtest section of docs/forecasting.md.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { forecastMonth, MonthForecast } from '../../libs/domain/forecasting/src/index';
import { dayNumber, dayText, FORECAST_SHAPES, makeSeries, rng, Series } from './forecast-synthetic';
import { DEMO_ANOMALY_OFFSET, DEMO_BACKFILL_DAYS, DEMO_RUN_DAY, demoFirstBackfillDay, demoSeries } from './forecast-demo';
import { cpuSeconds, machine, replaceSection, table } from './forecast-report';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SERIES_PER_SHAPE = Number(args.get('series') ?? 30);
const PATHS = Number(args.get('paths') ?? 1000);
const SEED = 20260101;
const MONTHS = ['2026-01', '2026-02', '2026-03'];
const START = dayNumber('2025-09-01');
const END = dayNumber('2026-04-01');
/** The demo's clock (see forecast-demo.ts) and the length of the extended demo window. */
const DEMO_DAY = args.get('demo-run-day') ?? DEMO_RUN_DAY;
const DEMO_EXTENDED_MONTHS = 12;
/** The forecast reads at most this many days before `today`. */
const LOOKBACK = 92;

interface Acc {
  n: number;
  apeOurs: number;
  apeRun: number;
  wins: number;
  in80: number;
  in95: number;
  width80: number;
  insufficient: number;
}
const acc = (): Acc => ({ n: 0, apeOurs: 0, apeRun: 0, wins: 0, in80: 0, in95: 0, width80: 0, insufficient: 0 });

function add(a: Acc, o: Outcome): void {
  const errOurs = Math.abs(o.point - o.actual) / o.actual;
  const errRun = Math.abs(o.runRate - o.actual) / o.actual;
  a.n++;
  a.apeOurs += errOurs;
  a.apeRun += errRun;
  if (errOurs < errRun) a.wins++;
  else if (errOurs === errRun) a.wins += 0.5;
  if (o.p80[0] <= o.actual && o.actual <= o.p80[1]) a.in80++;
  if (o.p95[0] <= o.actual && o.actual <= o.p95[1]) a.in95++;
  a.width80 += (o.p80[1] - o.p80[0]) / o.actual;
  if (o.insufficient) a.insufficient++;
}

const pct = (x: number, n: number, digits = 1) => (n ? ((100 * x) / n).toFixed(digits) : '–');
const row = (label: string, a: Acc) => [
  label,
  String(a.n),
  pct(a.apeOurs, a.n),
  pct(a.apeRun, a.n),
  pct(a.wins, a.n, 0),
  pct(a.in80, a.n),
  pct(a.in95, a.n),
  pct(a.width80, a.n, 0),
  pct(a.insufficient, a.n, 0),
];
const HEADER = ['', 'forecasts', 'MAPE ours %', 'MAPE run-rate %', 'ours closer %', '80% coverage %', '95% coverage %', '80% width % of actual', 'flagged insufficient %'];

interface Job {
  readonly kind: 'synthetic' | 'demo';
  /** The synthetic shape, or the demo series (`openai`, `anthropic`, `openrouter`, `workspace`). */
  readonly shape: string;
  /** Demo only: which window of the demo series. */
  readonly window?: string;
  readonly series: Series;
  readonly months: ReadonlyArray<string>;
}

/** First day of the month after `month` (`YYYY-MM`), as a day number. */
function nextMonthStart(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return Date.UTC(y, m, 1) / 86_400_000;
}
const monthText = (day: number) => dayText(day).slice(0, 7);

/** One forecast's figures; aggregated in the main thread, in job order, so the tables do not depend on the worker count. */
interface Outcome {
  readonly month: string;
  readonly elapsed: number;
  readonly actual: number;
  readonly runRate: number;
  readonly point: number;
  readonly p80: readonly [number, number];
  readonly p95: readonly [number, number];
  readonly insufficient: boolean;
}

/** All series, drawn in a fixed order from one seeded PRNG. */
function jobs(): Job[] {
  const random = rng(SEED);
  const monthStarts = MONTHS.map((m) => dayNumber(`${m}-01`));
  const out: Job[] = [];
  for (const shape of FORECAST_SHAPES) {
    for (let s = 0; s < SERIES_PER_SHAPE; s++) {
      const series = makeSeries(shape, random, START, END, monthStarts);
      // A new account is judged on its first month only: later months have ordinary history.
      out.push({ kind: 'synthetic', shape, series, months: shape === 'new-account' ? MONTHS.slice(0, 1) : MONTHS });
    }
  }
  return out;
}

/**
 * The demo's series in two windows. `90 days`: what the demo's ledger holds after its backfill (the run day and the 89
 * before it, OpenRouter only for the days its server serves), judged on the months wholly inside a series that were
 * complete before the run day's late-data window (the last two days still change). `12 months`: the same series
 * straight from the generator, back far enough for the 12 complete months before the run day, each with a full
 * lookback of history.
 */
function demoWindows(runDay: string): { window: string; firstDay: string; months: string[]; asServed: boolean }[] {
  const run = dayNumber(runDay);
  const completeMonths = (from: number) => {
    const months: string[] = [];
    for (let day = from; day <= run; day++) {
      const month = monthText(day);
      if (dayText(day).endsWith('-01') && nextMonthStart(month) <= run - 1) months.push(month);
    }
    return months;
  };
  const backfillFirst = demoFirstBackfillDay(runDay);
  const lastComplete = completeMonths(dayNumber(backfillFirst)).at(-1);
  if (!lastComplete) throw new RangeError(`no complete month in the demo window ending ${runDay}`);
  let first = dayNumber(`${lastComplete}-01`);
  for (let i = 1; i < DEMO_EXTENDED_MONTHS; i++) first = dayNumber(`${monthText(first - 1)}-01`);
  return [
    { window: `${DEMO_BACKFILL_DAYS} days`, firstDay: backfillFirst, months: completeMonths(dayNumber(backfillFirst)), asServed: true },
    { window: `${DEMO_EXTENDED_MONTHS} months`, firstDay: dayText(first - LOOKBACK), months: completeMonths(first), asServed: false },
  ];
}

/** The demo jobs: every series of every window, on the window's months that lie wholly inside the series. */
function demoJobs(windows: ReturnType<typeof demoWindows>, runDay: string): Job[] {
  const out: Job[] = [];
  for (const { window, firstDay, months, asServed } of windows) {
    for (const series of demoSeries(firstDay, runDay, asServed)) {
      const inside = months.filter((m) => dayNumber(`${m}-01`) >= series.start && nextMonthStart(m) <= series.start + series.values.length);
      out.push({ kind: 'demo', shape: series.shape, window, series, months: inside });
    }
  }
  return out;
}

function runJob({ series, months }: Job, paths: number): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const month of months) {
    const first = dayNumber(`${month}-01`);
    const next = nextMonthStart(month);
    if (next > series.start + series.values.length) throw new RangeError(`the series ends before ${month} does`);
    const daysInMonth = next - first;
    const cost = (day: number) => (day >= series.start ? series.values[day - series.start] : 0);
    // Costs as the ledger would hold them: decimal text, 4 places.
    const texts = new Map<number, string>();
    for (let day = Math.max(series.start, first - LOOKBACK - 8); day < next; day++) texts.set(day, cost(day).toFixed(4));
    let actual = 0;
    for (let day = first; day < next; day++) actual += Number(texts.get(day) ?? 0);
    if (actual <= 0) continue;
    let spent = 0;
    for (let elapsed = 1; elapsed < daysInMonth; elapsed++) {
      spent += Number(texts.get(first + elapsed - 1) ?? 0);
      const today = first + elapsed;
      const days = [];
      for (let day = Math.max(series.start, today - LOOKBACK); day < today; day++) days.push({ day: dayText(day), cost: texts.get(day) ?? '0' });
      const forecast: MonthForecast = forecastMonth({ days, month, today: dayText(today) }, { paths, seed: SEED + elapsed });
      outcomes.push({
        month,
        elapsed,
        actual,
        runRate: (spent / elapsed) * daysInMonth,
        point: Number(forecast.point),
        p80: [Number(forecast.p80.lower), Number(forecast.p80.upper)],
        p95: [Number(forecast.p95.lower), Number(forecast.p95.upper)],
        insufficient: forecast.insufficientHistory,
      });
    }
  }
  return outcomes;
}

/** Runs the jobs on `workers` threads (round robin); answers in job order. */
async function runAll(all: ReadonlyArray<Job>, workers: number): Promise<Outcome[][]> {
  if (workers <= 1) return all.map((job) => runJob(job, PATHS));
  const results: Outcome[][] = new Array(all.length);
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const indices = all.map((_, i) => i).filter((i) => i % workers === w);
      const worker = new Worker(__filename, {
        workerData: { jobs: indices.map((i) => all[i]), paths: PATHS },
        // The worker runs this same TypeScript file: register ts-node there too.
        execArgv: ['--require', require.resolve('ts-node/register/transpile-only')],
        env: { ...process.env, TS_NODE_PROJECT: join(__dirname, 'forecast.tsconfig.json') },
      });
      return new Promise<void>((resolve, reject) => {
        worker.once('message', (outcomes: Outcome[][]) => {
          outcomes.forEach((o, k) => (results[indices[k]] = o));
          resolve();
        });
        worker.once('error', reject);
      });
    }),
  );
  return results;
}

const bucketOf = (elapsed: number) => (elapsed <= 7 ? 'days 1–7 elapsed' : elapsed <= 14 ? 'days 8–14' : elapsed <= 21 ? 'days 15–21' : 'days 22+');

function into(map: Map<string, Acc>, key: string): Acc {
  if (!map.has(key)) map.set(key, acc());
  return map.get(key) as Acc;
}

function aggregate(all: ReadonlyArray<Job>, results: ReadonlyArray<ReadonlyArray<Outcome>>) {
  const byShape = new Map<string, Acc>(FORECAST_SHAPES.map((shape) => [shape, acc()]));
  const byElapsed = new Map<string, Acc>();
  const detail = new Map<string, Acc>();
  const total = acc();
  // Everything but the step changes, which no method can see coming before they happen.
  const foreseeable = acc();
  all.forEach((job, i) => {
    if (job.kind !== 'synthetic') return;
    for (const o of results[i]) {
      const bucket = bucketOf(o.elapsed);
      const targets = [byShape.get(job.shape) as Acc, total, into(byElapsed, bucket), into(detail, `${job.shape}, ${bucket.replace(' elapsed', '')}`)];
      if (job.shape !== 'step-change') targets.push(foreseeable);
      for (const target of targets) add(target, o);
    }
  });
  return { byShape, byElapsed, detail, total, foreseeable, forecasts: total.n };
}

const DEMO_LABELS: Readonly<Record<string, string>> = {
  openai: 'OpenAI account',
  anthropic: 'Anthropic account',
  openrouter: 'OpenRouter account',
  workspace: 'workspace total',
};

/**
 * The demo's figures: per window and series, the accounts together, and the accounts without the month of
 * the anomaly day; by elapsed days and by month for the long window.
 */
function aggregateDemo(
  all: ReadonlyArray<Job>,
  results: ReadonlyArray<ReadonlyArray<Outcome>>,
  windows: ReadonlyArray<string>,
  longWindow: string,
  anomalyMonth: string,
) {
  const ALL = '**all accounts**';
  const CALM = `all accounts, without ${anomalyMonth} (the anomaly day's month)`;
  const CALM_TOTAL = `workspace total, without ${anomalyMonth}`;
  const byGroup = new Map<string, Acc>();
  for (const window of windows) {
    for (const group of [DEMO_LABELS.openai, DEMO_LABELS.anthropic, DEMO_LABELS.openrouter, ALL, CALM, DEMO_LABELS.workspace, CALM_TOTAL]) byGroup.set(`${window}: ${group}`, acc());
  }
  const byElapsed = new Map<string, Acc>();
  for (const bucket of [1, 8, 15, 22].map(bucketOf)) for (const who of ['accounts', 'workspace']) byElapsed.set(`${bucket}, ${who}`, acc());
  const byMonth = new Map<string, Acc>();
  all.forEach((job, i) => {
    if (job.kind !== 'demo') return;
    const who = job.shape === 'workspace' ? 'workspace' : 'accounts';
    for (const o of results[i]) {
      const targets = [into(byGroup, `${job.window}: ${DEMO_LABELS[job.shape]}`)];
      // The workspace total is the sum of the accounts: the "all" rows count the accounts only, not the same cost twice.
      if (who === 'accounts') targets.push(into(byGroup, `${job.window}: ${ALL}`));
      if (o.month !== anomalyMonth) targets.push(into(byGroup, `${job.window}: ${who === 'accounts' ? CALM : CALM_TOTAL}`));
      if (job.window === longWindow) targets.push(into(byElapsed, `${bucketOf(o.elapsed)}, ${who}`), into(byMonth, `${o.month}, ${who}`));
      for (const target of targets) add(target, o);
    }
  });
  const nonEmpty = (map: Map<string, Acc>) => new Map([...map].filter(([, a]) => a.n > 0));
  const months = new Map([...byMonth].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const count = (group: string) => windows.reduce((n, window) => n + (byGroup.get(`${window}: ${group}`)?.n ?? 0), 0);
  return { byGroup: nonEmpty(byGroup), byElapsed: nonEmpty(byElapsed), byMonth: months, forecasts: count(ALL), totalForecasts: count(DEMO_LABELS.workspace) };
}

async function main(): Promise<void> {
  const workers = Number(args.get('workers') ?? Math.min(availableParallelism(), 4));
  const started = performance.now();
  const windows = demoWindows(DEMO_DAY);
  const synthetic = jobs();
  const demo = demoJobs(windows, DEMO_DAY);
  const all = [...synthetic, ...demo];
  const results = await runAll(all, workers);
  const result = aggregate(all, results);
  const longWindow = windows[windows.length - 1].window;
  const anomalyDay = dayText(dayNumber(DEMO_DAY) + DEMO_ANOMALY_OFFSET);
  const demoResult = aggregateDemo(all, results, windows.map((w) => w.window), longWindow, anomalyDay.slice(0, 7));
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds();

  const shapeTable = table(HEADER, [...[...result.byShape].map(([shape, a]) => row(shape, a)), row('**all**', result.total), row('all but step-change', result.foreseeable)]);
  const elapsedTable = table(HEADER, [...result.byElapsed].map(([bucket, a]) => row(bucket, a)));
  const detailTable = table(HEADER, [...result.detail].map(([key, a]) => row(key, a)));
  const demoTable = table(HEADER, [...demoResult.byGroup].map(([key, a]) => row(key, a)));
  const demoElapsedTable = table(HEADER, [...demoResult.byElapsed].map(([key, a]) => row(key, a)));
  const demoMonthTable = table(HEADER, [...demoResult.byMonth].map(([key, a]) => row(key, a)));
  const windowLines = windows.map(({ window, firstDay, months, asServed }) => {
    const spans = demo
      .filter((job) => job.window === window && job.shape !== 'workspace')
      .map(({ shape, series }) => `${DEMO_LABELS[shape].replace(' account', '')} ${dayText(series.start)} … ${dayText(series.start + series.values.length - 1)}`);
    const unjudged = demo.filter((job) => job.window === window && job.months.length === 0).map((job) => DEMO_LABELS[job.shape].replace(' account', ''));
    return [
      `- ${window} (${asServed ? 'what the demo holds' : 'straight from the generator'}): ${spans.join(', ')}.`,
      `  Evaluated months ${months[0]} … ${months[months.length - 1]} (${months.length})${unjudged.length ? `; ${unjudged.join(', ')}: no complete month, not evaluated` : ''}.`,
    ].join('\n');
  });
  const command = 'npx ts-node -P tools/bench/forecast.tsconfig.json tools/bench/forecast-backtest.ts';
  const report = [
    `${SERIES_PER_SHAPE} series per shape, months ${MONTHS.join(', ')} (a new account: its first month only), one forecast at the end of`,
    `every day but the last of each month (${result.forecasts} forecasts, ${PATHS} bootstrap paths each, seed ${SEED}).`,
    `MAPE = mean |forecast − actual| / actual of the month total; "ours closer" = share of forecasts where ours had the smaller`,
    'error (ties count half); coverage = share of actual totals inside the interval (nominal 80% and 95%).',
    '',
    '**By shape**',
    '',
    shapeTable,
    '',
    '**All shapes, by how much of the month had elapsed**',
    '',
    elapsedTable,
    '',
    '<details><summary>Each shape by elapsed days</summary>',
    '',
    detailTable,
    '',
    '</details>',
    '',
    '**Demo series**',
    '',
    `The billed daily cost (USD) of the demo's OpenAI, Anthropic and OpenRouter accounts, and of the workspace total (their sum),`,
    `from the generator and settings of \`npm run demo\` started on ${DEMO_DAY} (the ×4 anomaly day is ${anomalyDay}). Same forecasts`,
    `and measures as above; ${demoResult.forecasts} forecasts on the accounts and ${demoResult.totalForecasts} on the workspace total. Windows:`,
    '',
    ...windowLines,
    '',
    demoTable,
    '',
    `<details><summary>Demo, ${longWindow}: by elapsed days and by month</summary>`,
    '',
    demoElapsedTable,
    '',
    demoMonthTable,
    '',
    '</details>',
    '',
    `Command: \`${command}\` — ${seconds.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU, ${workers} worker thread${workers === 1 ? '' : 's'}, on ${machine()}.`,
  ].join('\n');

  console.log(report);
  if (!args.has('no-write')) replaceSection('docs/forecasting.md', 'forecast-backtest', report);
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  const { jobs: mine, paths } = workerData as { jobs: Job[]; paths: number };
  parentPort?.postMessage(mine.map((job) => runJob(job, paths)));
}
