import { LedgerDecimal } from '@act/domain/usage';
import {
  dayFactor,
  extraCostApplies,
  scaled,
  seriesKey,
  type SyntheticUsage,
} from './usage';

/** A flat usage-report row; `cache_creation` / `server_tool_use` are nested when written. */
export interface AnthropicUsageRow extends Record<string, unknown> {
  api_key_id: string | null;
  workspace_id: string | null;
  model: string | null;
  service_tier: string | null;
  context_window: string | null;
  uncached_input_tokens: number;
  cache_read_input_tokens: number;
  ephemeral_5m_input_tokens: number;
  ephemeral_1h_input_tokens: number;
  output_tokens: number;
  web_search_requests: number;
}

export const ANTHROPIC_USAGE_DIMENSIONS = ['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window'] as const;
export const ANTHROPIC_USAGE_METRICS = [
  'uncached_input_tokens',
  'cache_read_input_tokens',
  'ephemeral_5m_input_tokens',
  'ephemeral_1h_input_tokens',
  'output_tokens',
  'web_search_requests',
] as const;

export function anthropicUsageRows(
  usage: SyntheticUsage | null | undefined,
  day: string,
  nowMs: number,
  revision: number,
): AnthropicUsageRow[] {
  if (!usage) return [];
  const rows: AnthropicUsageRow[] = [];
  for (const series of usage.anthropic ?? []) {
    const factor = dayFactor(usage, seriesKey(series), day, nowMs, revision);
    if (factor <= 0) continue;
    const row: AnthropicUsageRow = {
      api_key_id: null,
      workspace_id: series.workspace_id,
      model: series.model,
      service_tier: series.service_tier,
      context_window: series.context_window,
      uncached_input_tokens: scaled(series.daily.uncached_input_tokens, factor),
      cache_read_input_tokens: scaled(series.daily.cache_read_input_tokens, factor),
      ephemeral_5m_input_tokens: scaled(series.daily.ephemeral_5m_input_tokens, factor),
      ephemeral_1h_input_tokens: scaled(series.daily.ephemeral_1h_input_tokens, factor),
      output_tokens: scaled(series.daily.output_tokens, factor),
      web_search_requests: scaled(series.daily.web_search_requests, factor),
    };
    if (ANTHROPIC_USAGE_METRICS.some((name) => row[name] !== 0)) rows.push(row);
  }
  return rows;
}

export interface AnthropicCostRow extends Record<string, unknown> {
  workspace_id: string | null;
  description: string | null;
  cost_type: string | null;
  model: string | null;
  service_tier: string | null;
  context_window: string | null;
  token_type: string | null;
  /** USD. */
  usd: InstanceType<typeof LedgerDecimal>;
}

export const ANTHROPIC_COST_DIMENSIONS = ['workspace_id', 'description', 'cost_type', 'model', 'service_tier', 'context_window', 'token_type'] as const;

const TOKEN_LINES = [
  ['uncached_input_tokens', 'Input Tokens', 'input'],
  ['cache_read_input_tokens', 'Cache Read', 'cacheRead'],
  ['ephemeral_5m_input_tokens', '5m Cache Write', 'cacheWrite5m'],
  ['ephemeral_1h_input_tokens', '1h Cache Write', 'cacheWrite1h'],
  ['output_tokens', 'Output Tokens', 'output'],
] as const;

const TOKEN_TYPES: Readonly<Record<string, string>> = {
  uncached_input_tokens: 'uncached_input_tokens',
  cache_read_input_tokens: 'cache_read_input_tokens',
  ephemeral_5m_input_tokens: 'cache_creation.ephemeral_5m_input_tokens',
  ephemeral_1h_input_tokens: 'cache_creation.ephemeral_1h_input_tokens',
  output_tokens: 'output_tokens',
};

/** The cost report's lines for a day: usage × the series' prices (Priority Tier series have none) + extras. */
export function anthropicCostRows(
  usage: SyntheticUsage | null | undefined,
  day: string,
  nowMs: number,
  revision: number,
): AnthropicCostRow[] {
  if (!usage) return [];
  const rows: AnthropicCostRow[] = [];
  for (const series of usage.anthropic ?? []) {
    const prices = series.prices;
    if (!prices) continue;
    const [row] = anthropicUsageRows({ ...usage, anthropic: [series] }, day, nowMs, revision);
    if (!row) continue;
    const base = {
      workspace_id: series.workspace_id,
      model: series.model,
      service_tier: series.service_tier,
      context_window: series.context_window,
    };
    for (const [metric, name, price] of TOKEN_LINES) {
      const quantity = row[metric];
      if (quantity === 0) continue;
      rows.push({
        ...base,
        description: `${series.label} Usage - ${name}`,
        cost_type: 'tokens',
        token_type: TOKEN_TYPES[metric],
        usd: new LedgerDecimal(prices[price]).times(quantity),
      });
    }
    if (row.web_search_requests > 0 && prices.webSearch !== undefined) {
      rows.push({
        workspace_id: series.workspace_id,
        description: 'Web Search',
        cost_type: 'web_search',
        model: null,
        service_tier: null,
        context_window: null,
        token_type: null,
        usd: new LedgerDecimal(prices.webSearch).times(row.web_search_requests),
      });
    }
  }
  for (const extra of usage.anthropicExtraCosts ?? []) {
    if (!extraCostApplies(usage, extra, day, nowMs)) continue;
    rows.push({
      workspace_id: extra.project ?? null,
      description: extra.description,
      cost_type: extra.costType ?? null,
      model: null,
      service_tier: null,
      context_window: null,
      token_type: null,
      usd: new LedgerDecimal(extra.usd),
    });
  }
  return rows;
}
