import { LedgerDecimal } from '@act/domain/usage';
import { dayFactor, scaled, seriesKey, type SyntheticUsage } from './usage';

export interface OpenRouterActivityRow {
  date: string;
  model: string;
  model_permaslug: string;
  endpoint_id: string;
  provider_name: string;
  /** USD charged (OpenRouter credits). */
  usage: InstanceType<typeof LedgerDecimal>;
  byok_usage_inference: InstanceType<typeof LedgerDecimal>;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
}

/** One row per series (model × serving endpoint) and day; `usage` = tokens × the series' prices. */
export function openRouterActivityRows(
  usage: SyntheticUsage | null | undefined,
  day: string,
  nowMs: number,
  revision: number,
): OpenRouterActivityRow[] {
  if (!usage) return [];
  const rows: OpenRouterActivityRow[] = [];
  for (const series of usage.openrouter ?? []) {
    const factor = dayFactor(usage, seriesKey(series), day, nowMs, revision);
    if (factor <= 0) continue;
    const prompt = scaled(series.daily.prompt_tokens, factor);
    const completion = scaled(series.daily.completion_tokens, factor);
    const reasoning = Math.min(completion, scaled(series.daily.reasoning_tokens, factor));
    const requests = scaled(series.daily.requests, factor);
    if (prompt === 0 && completion === 0 && requests === 0) continue;
    rows.push({
      date: day,
      model: series.model,
      model_permaslug: series.model_permaslug,
      endpoint_id: series.endpoint_id,
      provider_name: series.provider_name,
      usage: new LedgerDecimal(series.usdPerPromptToken)
        .times(prompt)
        .plus(new LedgerDecimal(series.usdPerCompletionToken).times(completion)),
      byok_usage_inference: new LedgerDecimal(0),
      requests,
      prompt_tokens: prompt,
      completion_tokens: completion,
      reasoning_tokens: reasoning,
    });
  }
  return rows;
}
