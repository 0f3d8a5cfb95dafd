/*
 * Anomaly-detection evaluation: synthetic series with injected anomalies (spikes of several sizes,
 * drops to zero, partial drops, level shifts), judged by `detectAnomalies` at each sensitivity, and by
 * a naive detector without weekdays for comparison. Prints precision / recall / F1 and rewrites the
 * anomaly section of docs/forecasting.md.
 *
 *   npx ts-node -P tools/bench/forecast.tsconfig.json tools/bench/anomaly-eval.ts [--series=N] [--no-write]
 */
import { AnomalyVerdict, detectAnomalies, SENSITIVITY_THRESHOLDS } from '../../libs/domain/forecasting/src/index';
import { mad, median } from '../../libs/domain/forecasting/src/lib/stats';
import { dayNumber, dayText, noise, Random, rng, uniform, weekday, weekdayProfile } from './forecast-synthetic';
import { cpuSeconds, machine, replaceSection, table } from './forecast-report';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SERIES_PER_SHAPE = Number(args.get('series') ?? 40);
const SEED = 20260202;
const START = dayNumber('2025-10-01');
const DAYS = 182;
const JUDGE_FROM = 42; // six weeks of history before the first judged day

const SHAPES = ['weekly', 'growing', 'noisy', 'dead-weekends', 'intermittent'] as const;
type Shape = (typeof SHAPES)[number];
const KINDS = ['spike ×1.5', 'spike ×2', 'spike ×4', 'spike ×10', 'drop to 0 (1–4 days)', 'drop ×0.3', 'level ×2', 'level ×0.5'] as const;
type Kind = (typeof KINDS)[number];

interface Injected {
  readonly kind: Kind;
  readonly direction: 1 | -1;
  /** Index range where a flag in `direction` detects the event. */
  readonly from: number;
  readonly to: number;
  /** Flags up to this index are neither right nor wrong (a level shift takes time to become the baseline). */
  readonly tolerateTo: number;
}

interface Case {
  readonly shape: Shape;
  readonly values: number[];
  readonly injected: Injected[];
}

function baseSeries(shape: Shape, random: Random): number[] {
  const profile = weekdayProfile(random);
  if (shape === 'dead-weekends') profile[0] = profile[6] = 0;
  const level = Math.exp(uniform(random, Math.log(20), Math.log(500)));
  const growth = uniform(random, 0.004, 0.012);
  const values: number[] = [];
  for (let i = 0; i < DAYS; i++) {
    const w = profile[weekday(START + i)];
    switch (shape) {
      case 'weekly':
      case 'dead-weekends':
        values.push(level * w * noise(random, 0.15));
        break;
      case 'growing':
        values.push(level * Math.exp(growth * i) * w * noise(random, 0.15));
        break;
      case 'noisy':
        values.push(level * w * noise(random, 0.4));
        break;
      case 'intermittent':
        values.push(random() < 0.3 ? level * 3 * noise(random, 0.5) : 0);
        break;
    }
  }
  return values;
}

function inject(shape: Shape, values: number[], random: Random): Injected[] {
  const injected: Injected[] = [];
  const kinds: Kind[] = shape === 'intermittent' ? ['spike ×4', 'spike ×10', 'level ×2'] : [...KINDS];
  let day = JUDGE_FROM + 7 + Math.floor(uniform(random, 0, 10));
  while (day < DAYS - 5) {
    const kind = kinds[Math.floor(random() * kinds.length)];
    // Inject on an active day: a spike on a day that costs nothing would be invisible.
    if (shape === 'dead-weekends' && (weekday(START + day) === 0 || weekday(START + day) === 6)) day += 2;
    if (shape === 'intermittent' && kind.startsWith('spike')) while (day < DAYS - 1 && values[day] === 0) day++;
    let length = 1;
    switch (kind) {
      case 'spike ×1.5':
      case 'spike ×2':
      case 'spike ×4':
      case 'spike ×10':
        values[day] *= Number(kind.slice(7));
        injected.push({ kind, direction: 1, from: day, to: day, tolerateTo: day });
        break;
      case 'drop to 0 (1–4 days)':
        length = 1 + Math.floor(random() * 4);
        for (let i = day; i < Math.min(day + length, DAYS); i++) values[i] = 0;
        injected.push({ kind, direction: -1, from: day, to: day + length - 1, tolerateTo: day + length - 1 });
        break;
      case 'drop ×0.3':
        values[day] *= 0.3;
        injected.push({ kind, direction: -1, from: day, to: day, tolerateTo: day });
        break;
      case 'level ×2':
      case 'level ×0.5': {
        const factor = kind === 'level ×2' ? 2 : 0.5;
        for (let i = day; i < DAYS; i++) values[i] *= factor;
        injected.push({ kind, direction: factor > 1 ? 1 : -1, from: day, to: Math.min(day + 6, DAYS - 1), tolerateTo: day + 20 });
        length = 21;
        break;
      }
    }
    day += length + 10 + Math.floor(uniform(random, 0, 15));
  }
  return injected;
}

function makeCases(): Case[] {
  const random = rng(SEED);
  const cases: Case[] = [];
  for (const shape of SHAPES) {
    for (let s = 0; s < SERIES_PER_SHAPE; s++) {
      const values = baseSeries(shape, random);
      const injected = inject(shape, values, random);
      cases.push({ shape, values, injected });
    }
  }
  return cases;
}

/** Flags per index: +1 spike, −1 drop, 0 none. */
type Detector = (values: number[]) => Int8Array;

function ours(sensitivity: 'high' | 'medium' | 'low'): Detector {
  return (values) => {
    const days = values.map((v, i) => ({ day: dayText(START + i), cost: v.toFixed(4) }));
    const verdicts: AnomalyVerdict[] = detectAnomalies(days, { through: dayText(START + DAYS - 1), sensitivity });
    const flags = new Int8Array(values.length);
    for (const verdict of verdicts) {
      if (verdict.status === 'anomaly') flags[dayNumber(verdict.day) - START] = verdict.kind === 'spike' ? 1 : -1;
    }
    return flags;
  };
}

/** The textbook detector: z = (y − median of the last 28 days) / (1.4826·MAD), no weekdays, no log scale. */
function naive(threshold: number): Detector {
  return (values) => {
    const flags = new Int8Array(values.length);
    for (let t = 28; t < values.length; t++) {
      const window = values.slice(t - 28, t);
      const center = median(window);
      const sigma = Math.max(1.4826 * mad(window, center), 0.05 * center, 1e-9);
      const z = (values[t] - center) / sigma;
      if (Math.abs(values[t] - center) >= 1 && Math.abs(z) >= threshold) flags[t] = z > 0 ? 1 : -1;
    }
    return flags;
  };
}

interface Score {
  flagged: number;
  correct: number;
  events: number;
  detected: number;
  days: number;
  byKind: Map<Kind, { events: number; detected: number }>;
}

function evaluate(detector: Detector, cases: ReadonlyArray<Case>): Score {
  const score: Score = { flagged: 0, correct: 0, events: 0, detected: 0, days: 0, byKind: new Map() };
  for (const c of cases) {
    const flags = detector(c.values);
    score.days += DAYS - JUDGE_FROM;
    for (let t = JUDGE_FROM; t < DAYS; t++) {
      if (flags[t] === 0) continue;
      const event = c.injected.find((e) => t >= e.from && t <= e.tolerateTo);
      if (event && event.direction !== flags[t]) {
        score.flagged++; // flagged the wrong way round
      } else if (event && t > e2(event)) {
        // after the detection window of a level shift: tolerated, neither right nor wrong
      } else {
        score.flagged++;
        if (event) score.correct++;
      }
    }
    for (const e of c.injected) {
      const kind = score.byKind.get(e.kind) ?? { events: 0, detected: 0 };
      score.byKind.set(e.kind, kind);
      kind.events++;
      score.events++;
      let hit = false;
      for (let t = e.from; t <= e.to; t++) if (flags[t] === e.direction) hit = true;
      if (hit) {
        kind.detected++;
        score.detected++;
      }
    }
  }
  return score;
}
const e2 = (e: Injected) => e.to;

const pct = (x: number, n: number) => (n ? ((100 * x) / n).toFixed(1) : '–');
function f1(s: Score): string {
  const p = s.flagged ? s.correct / s.flagged : 0;
  const r = s.events ? s.detected / s.events : 0;
  return p + r ? ((200 * p * r) / (p + r)).toFixed(1) : '0.0';
}

const started = performance.now();
const cases = makeCases();
const LEVELS = ['high', 'medium', 'low'] as const;
const detectors: Array<[string, Detector]> = [
  ...LEVELS.map((level): [string, Detector] => [`ours, ${level} (T = ${SENSITIVITY_THRESHOLDS[level]})`, ours(level)]),
  ...LEVELS.map((level): [string, Detector] => [`naive 28-day median/MAD, T = ${SENSITIVITY_THRESHOLDS[level]}`, naive(SENSITIVITY_THRESHOLDS[level])]),
];
const overall: string[][] = [];
const kinds: string[][] = [];
const perShape: string[][] = [];
for (const [name, detector] of detectors) {
  const s = evaluate(detector, cases);
  const falsePerMonth = ((s.flagged - s.correct) / s.days) * 30;
  overall.push([name, pct(s.correct, s.flagged), pct(s.detected, s.events), f1(s), falsePerMonth.toFixed(2), String(s.flagged), String(s.events)]);
  kinds.push([name, ...KINDS.map((k) => pct(s.byKind.get(k)?.detected ?? 0, s.byKind.get(k)?.events ?? 0))]);
  if (name.startsWith('ours, medium') || name === `naive 28-day median/MAD, T = ${SENSITIVITY_THRESHOLDS.medium}`) {
    for (const shape of SHAPES) {
      const sub = evaluate(detector, cases.filter((c) => c.shape === shape));
      perShape.push([`${name.split(',')[0].split(' 28')[0]}: ${shape}`, pct(sub.correct, sub.flagged), pct(sub.detected, sub.events), f1(sub), (((sub.flagged - sub.correct) / sub.days) * 30).toFixed(2)]);
    }
  }
}
const seconds = (performance.now() - started) / 1000;
const command = 'npx ts-node -P tools/bench/forecast.tsconfig.json tools/bench/anomaly-eval.ts';
const report = [
  `${SERIES_PER_SHAPE} series per shape (${SHAPES.join(', ')}), ${DAYS} days each, judged from day ${JUDGE_FROM + 1};`,
  `${cases.reduce((n, c) => n + c.injected.length, 0)} injected anomalies (seed ${SEED}). Default options otherwise (6 weeks, 28 days minimum`,
  'history, minimum deviation 1). Precision = flagged days that fall on an injected anomaly, in its direction (the first',
  'week of a level shift; flags in its next two weeks are ignored); recall = injected anomalies flagged at least once;',
  'false flags are per 30 judged days of one series.',
  '',
  table(['detector', 'precision %', 'recall %', 'F1', 'false flags / 30 days', 'flags', 'anomalies'], overall),
  '',
  '**Recall by injected kind**',
  '',
  table(['detector', ...KINDS], kinds),
  '',
  `**By shape (medium sensitivity vs naive at the same T = ${SENSITIVITY_THRESHOLDS.medium})**`,
  '',
  table(['detector: shape', 'precision %', 'recall %', 'F1', 'false flags / 30 days'], perShape),
  '',
  `Command: \`${command}\` — ${seconds.toFixed(1)} s wall, ${cpuSeconds().toFixed(1)} s CPU, one thread, on ${machine()}.`,
].join('\n');
console.log(report);
if (!args.has('no-write')) replaceSection('docs/forecasting.md', 'anomaly-eval', report);
