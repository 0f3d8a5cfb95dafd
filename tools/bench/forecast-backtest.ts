/*
 * Forecast backtest: for every day of every evaluated month of synthetic series, forecast the month
 * total with what was known at the end of that day, and compare with the actual total. Ours
 * (`forecastMonth`) against the naive run-rate `spent / days elapsed × days in month`.
 *
 *   npx ts-node -P tools/bench/forecast.tsconfig.json tools/bench/forecast-backtest.ts [--series=N] [--workers=N] [--no-write]
 *
 * The forecasts run on worker threads (one per core, at most 4); the figures do not depend on how many.
 *
 * Prints the tables and rewrites the backtest section of docs/forecasting.md.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { forecastMonth, MonthForecast } from '../../libs/domain/forecasting/src/index';
import { dayNumber, dayText, FORECAST_SHAPES, ForecastShape, makeSeries, rng, Series } from './forecast-synthetic';
import { cpuSeconds, machine, replaceSection, table } from './forecast-report';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SERIES_PER_SHAPE = Number(args.get('series') ?? 30);
const PATHS = Number(args.get('paths') ?? 1000);
const SEED = 20260101;
const MONTHS = ['2026-01', '2026-02', '2026-03'];
const START = dayNumber('2025-09-01');
const END = dayNumber('2026-04-01');

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
  readonly shape: ForecastShape;
  readonly series: Series;
  readonly months: ReadonlyArray<string>;
}

/** One forecast's figures; aggregated in the main thread, in job order, so the tables do not depend on the worker count. */
interface Outcome {
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
      out.push({ shape, series, months: shape === 'new-account' ? MONTHS.slice(0, 1) : MONTHS });
    }
  }
  return out;
}

function runJob({ series, months }: Job, paths: number): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const month of months) {
    const first = dayNumber(`${month}-01`);
    const next = month === '2026-03' ? END : dayNumber(`${MONTHS[MONTHS.indexOf(month) + 1]}-01`);
    const daysInMonth = next - first;
    const cost = (day: number) => (day >= series.start ? series.values[day - series.start] : 0);
    // Costs as the ledger would hold them: decimal text, 4 places.
    const texts = new Map<number, string>();
    for (let day = Math.max(series.start, first - 100); day < next; day++) texts.set(day, cost(day).toFixed(4));
    let actual = 0;
    for (let day = first; day < next; day++) actual += Number(texts.get(day) ?? 0);
    if (actual <= 0) continue;
    let spent = 0;
    for (let elapsed = 1; elapsed < daysInMonth; elapsed++) {
      spent += Number(texts.get(first + elapsed - 1) ?? 0);
      const today = first + elapsed;
      const days = [];
      for (let day = Math.max(series.start, today - 92); day < today; day++) days.push({ day: dayText(day), cost: texts.get(day) ?? '0' });
      const forecast: MonthForecast = forecastMonth({ days, month, today: dayText(today) }, { paths, seed: SEED + elapsed });
      outcomes.push({
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

function aggregate(all: ReadonlyArray<Job>, results: ReadonlyArray<ReadonlyArray<Outcome>>) {
  const byShape = new Map<string, Acc>(FORECAST_SHAPES.map((shape) => [shape, acc()]));
  const byElapsed = new Map<string, Acc>();
  const detail = new Map<string, Acc>();
  const total = acc();
  // Everything but the step changes, which no method can see coming before they happen.
  const foreseeable = acc();
  const into = (map: Map<string, Acc>, key: string) => {
    if (!map.has(key)) map.set(key, acc());
    return map.get(key) as Acc;
  };
  all.forEach((job, i) => {
    for (const o of results[i]) {
      const bucket = o.elapsed <= 7 ? 'days 1–7 elapsed' : o.elapsed <= 14 ? 'days 8–14' : o.elapsed <= 21 ? 'days 15–21' : 'days 22+';
      const targets = [byShape.get(job.shape) as Acc, total, into(byElapsed, bucket), into(detail, `${job.shape}, ${bucket.replace(' elapsed', '')}`)];
      if (job.shape !== 'step-change') targets.push(foreseeable);
      for (const target of targets) add(target, o);
    }
  });
  return { byShape, byElapsed, detail, total, foreseeable, forecasts: total.n };
}

async function main(): Promise<void> {
  const workers = Number(args.get('workers') ?? Math.min(availableParallelism(), 4));
  const started = performance.now();
  const all = jobs();
  const result = aggregate(all, await runAll(all, workers));
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds();

  const shapeTable = table(HEADER, [...[...result.byShape].map(([shape, a]) => row(shape, a)), row('**all**', result.total), row('all but step-change', result.foreseeable)]);
  const elapsedTable = table(HEADER, [...result.byElapsed].map(([bucket, a]) => row(bucket, a)));
  const detailTable = table(HEADER, [...result.detail].map(([key, a]) => row(key, a)));
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
