/*
 * Synthetic daily cost series for the forecast backtest and the anomaly evaluation. Every shape is
 * drawn from a seeded PRNG, so a run is reproducible to the last digit.
 */
import { seededRandom } from '../../libs/domain/forecasting/src/index';

export type Random = () => number;

export const rng = seededRandom;

/** Standard normal (Box–Muller). */
export function normal(random: Random): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Log-normal multiplier with mean 1. */
export function noise(random: Random, sigma: number): number {
  return Math.exp(sigma * normal(random) - (sigma * sigma) / 2);
}

export function uniform(random: Random, lo: number, hi: number): number {
  return lo + (hi - lo) * random();
}

/** A business-like weekly profile, Sunday first: weekdays busier, weekends lower (sometimes dead). */
export function weekdayProfile(random: Random): number[] {
  const weekend = random() < 0.2 ? uniform(random, 0.02, 0.1) : uniform(random, 0.35, 0.85);
  const profile = [weekend, 0, 0, 0, 0, 0, weekend * uniform(random, 0.9, 1.2)];
  for (let d = 1; d <= 5; d++) profile[d] = uniform(random, 0.95, 1.25);
  const average = profile.reduce((a, b) => a + b, 0) / 7;
  return profile.map((p) => p / average);
}

export const MS_PER_DAY = 86_400_000;
export const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / MS_PER_DAY;
export const dayText = (n: number): string => new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
export const weekday = (n: number): number => (((n + 4) % 7) + 7) % 7;

export interface Series {
  readonly shape: string;
  /** Day number of values[0]. */
  readonly start: number;
  readonly values: number[];
}

export const FORECAST_SHAPES = ['weekly-flat', 'growing', 'step-change', 'heavy-tailed', 'sparse-bursty', 'new-account'] as const;
export type ForecastShape = (typeof FORECAST_SHAPES)[number];

/**
 * One series of a shape covering [start, end). `months` are the first days of the evaluated months (a step
 * change happens in each of them; a new account starts at most 20 days before the first).
 */
export function makeSeries(shape: ForecastShape, random: Random, start: number, end: number, months: ReadonlyArray<number>): Series {
  const evalStart = months[0];
  const profile = weekdayProfile(random);
  const base = Math.exp(uniform(random, Math.log(5), Math.log(500)));
  let from = start;
  if (shape === 'new-account') from = evalStart - Math.floor(uniform(random, 0, 21));
  const values: number[] = [];
  const growth = uniform(random, 0.005, 0.02);
  // step-change: one step per evaluated month, somewhere in its middle.
  const steps = new Map<number, number>();
  if (shape === 'step-change') {
    for (const month of months) {
      const at = month + Math.floor(uniform(random, 7, 22));
      steps.set(at, random() < 0.5 ? uniform(random, 0.35, 0.65) : uniform(random, 1.6, 2.6));
    }
  }
  let level = base;
  for (let day = from; day < end; day++) {
    const age = day - from;
    const w = profile[weekday(day)];
    let cost: number;
    switch (shape) {
      case 'weekly-flat':
        cost = base * w * noise(random, 0.15);
        break;
      case 'growing':
        cost = base * Math.exp(growth * (day - evalStart)) * w * noise(random, 0.15);
        break;
      case 'step-change':
        level *= steps.get(day) ?? 1;
        cost = level * w * noise(random, 0.15);
        break;
      case 'heavy-tailed':
        cost = base * w * noise(random, 0.5) * (random() < 0.03 ? uniform(random, 3, 10) : 1);
        break;
      case 'sparse-bursty':
        cost = random() < 0.25 ? base * 4 * noise(random, 0.8) : 0;
        break;
      case 'new-account':
        cost = base * (1 - 0.7 * Math.exp(-age / 10)) * w * noise(random, 0.2);
        break;
    }
    values.push(cost);
  }
  return { shape, start: from, values };
}
