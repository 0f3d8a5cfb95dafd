import { createHash } from 'node:crypto';

/**
 * The usage of a synthetic organisation: a list of series per provider (one series = one combination of the
 * provider's group-by dimensions with its numbers on a full weekday), turned into daily numbers by a
 * deterministic function of the seed, the series, the day, the server's clock and the day's revision count.
 *
 * daily value = round(series number × weekday factor × noise × completeness × day multiplier × (1 + revision / 10))
 * - weekday factor: 1 on weekdays, `weekendFactor` on Saturdays and Sundays;
 * - noise: 1 ± `noise`, from a hash of (seed, series, day): the same every time the day is read;
 * - completeness (late data): 0 before the day starts; while it runs, 0.9 × the share of the day elapsed; after
 *   it ends, growing linearly from 0.9 to 1 over `lateDataHours`. So the current and the previous day change
 *   between two reads, older days do not;
 * - revision: `server.reviseDay(day)` raises the day's numbers by 10 % each time (a provider correcting history).
 * With `noise: 0`, `weekendFactor: 1` and a day older than `lateDataHours`, a day's numbers are exactly the
 * series numbers: what worked-example tests use.
 */
export interface SyntheticUsage {
  seed: string;
  /** No usage before this UTC day. */
  firstDay?: string;
  /** Default 24. */
  lateDataHours?: number;
  /** Relative noise amplitude, 0–1. Default 0.25. */
  noise?: number;
  /** Default 0.45. */
  weekendFactor?: number;
  /** Extra multipliers per UTC day, e.g. `{ '2026-11-10': 4 }` for an anomaly day (demo data). */
  dayMultipliers?: Readonly<Record<string, number>>;
  openai?: readonly OpenAiSeries[];
  /** Cost lines not derived from usage (fine-tuning, credits…), in USD per day, not scaled. */
  openaiExtraCosts?: readonly ExtraCost[];
  anthropic?: readonly AnthropicSeries[];
  /** Cost-report-only lines such as code execution, in USD per day. */
  anthropicExtraCosts?: readonly ExtraCost[];
  openrouter?: readonly OpenRouterSeries[];
  /** `/credits`: USD as decimal text. */
  openrouterCredits?: { totalCredits: string; totalUsage: string };
}

export interface ExtraCost {
  description: string;
  project?: string | null;
  /** USD per day, exact decimal text (may be negative for credits). */
  usd: string;
  /** Only on these days (default: every day with usage). */
  days?: readonly string[];
  /** Anthropic `cost_type`. */
  costType?: string;
}

export type OpenAiSeriesEndpoint =
  | 'completions'
  | 'embeddings'
  | 'moderations'
  | 'images'
  | 'audio_speeches'
  | 'audio_transcriptions'
  | 'vector_stores'
  | 'code_interpreter_sessions'
  | 'file_search_calls'
  | 'web_search_calls';

export interface OpenAiSeries {
  endpoint: OpenAiSeriesEndpoint;
  project_id: string | null;
  model?: string | null;
  batch?: boolean | null;
  service_tier?: string | null;
  size?: string | null;
  source?: string | null;
  context_level?: string | null;
  vector_store_id?: string | null;
  /**
   * Full-weekday numbers by result field. Completions: `input_uncached_tokens`, `input_cached_tokens`,
   * `input_cache_write_tokens`, `output_tokens`, `num_model_requests` (`input_tokens` is their input sum, as
   * OpenAI reports it).
   */
  daily: Readonly<Record<string, number>>;
  /** Cost lines billed for this series: `metric` (a `daily` field) × `usdPerUnit`. */
  costs?: readonly {
    lineItem: string;
    metric: string;
    usdPerUnit: string;
    quantityUnit?: string;
  }[];
}

export interface AnthropicSeries {
  model: string;
  /** The product name cost-report descriptions use, e.g. `Claude Sonnet 4`. */
  label: string;
  workspace_id: string | null;
  service_tier: string;
  context_window: string;
  daily: {
    uncached_input_tokens: number;
    cache_read_input_tokens: number;
    ephemeral_5m_input_tokens: number;
    ephemeral_1h_input_tokens: number;
    output_tokens: number;
    web_search_requests: number;
  };
  /** USD per token (per search). Left out for usage the cost report never shows (Priority Tier). */
  prices?: {
    input: string;
    cacheRead: string;
    cacheWrite5m: string;
    cacheWrite1h: string;
    output: string;
    webSearch?: string;
  };
}

export interface OpenRouterSeries {
  model: string;
  model_permaslug: string;
  provider_name: string;
  endpoint_id: string;
  daily: {
    prompt_tokens: number;
    completion_tokens: number;
    reasoning_tokens: number;
    requests: number;
  };
  usdPerPromptToken: string;
  usdPerCompletionToken: string;
}

const DAY_MS = 86_400_000;

/** A number in [0, 1) from a hash of the parts: the same parts always give the same number. */
export function unitHash(...parts: readonly string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The multiplier of a series' numbers for one day read at `nowMs` (see `SyntheticUsage`); 0 = no data. */
export function dayFactor(
  usage: SyntheticUsage,
  seriesKey: string,
  day: string,
  nowMs: number,
  revision: number,
): number {
  if (usage.firstDay !== undefined && day < usage.firstDay) return 0;
  const start = Date.parse(`${day}T00:00:00Z`);
  if (nowMs < start) return 0;
  const end = start + DAY_MS;
  const weekday = new Date(start).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? (usage.weekendFactor ?? 0.45) : 1;
  const amplitude = usage.noise ?? 0.25;
  const noise = 1 + amplitude * (2 * unitHash(usage.seed, seriesKey, day) - 1);
  const lateMs = (usage.lateDataHours ?? 24) * 3_600_000;
  const completeness =
    nowMs < end
      ? (0.9 * (nowMs - start)) / DAY_MS
      : lateMs <= 0
        ? 1
        : Math.min(1, 0.9 + (0.1 * (nowMs - end)) / lateMs);
  const multiplier = usage.dayMultipliers?.[day] ?? 1;
  return weekend * noise * completeness * multiplier * (1 + revision / 10);
}

/** Whether an extra cost line applies on a day. */
export function extraCostApplies(
  usage: SyntheticUsage,
  extra: ExtraCost,
  day: string,
  nowMs: number,
): boolean {
  if (usage.firstDay !== undefined && day < usage.firstDay) return false;
  if (nowMs < Date.parse(`${day}T00:00:00Z`)) return false;
  return extra.days === undefined || extra.days.includes(day);
}

export function scaled(value: number, factor: number): number {
  return Math.round(value * factor);
}

/** The series' identity for the noise hash: its dimensions, not its numbers. */
export function seriesKey(series: object): string {
  const parts = series as Readonly<Record<string, unknown>>;
  return JSON.stringify(
    Object.keys(parts)
      .filter((key) => key !== 'daily' && key !== 'costs' && key !== 'prices')
      .sort()
      .map((key) => [key, parts[key]]),
  );
}

/** JSON number text written as is (`JSON.rawJSON`, Node ≥ 21): money keeps every digit on the wire. */
export function jsonNumber(decimalText: string): unknown {
  return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(decimalText);
}

export function isJsonNumber(value: unknown): value is { rawJSON: string } {
  return (JSON as unknown as { isRawJSON(value: unknown): boolean }).isRawJSON(value);
}
