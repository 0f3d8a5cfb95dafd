import { LedgerDecimal } from '@act/domain/usage';
import {
  dayFactor,
  extraCostApplies,
  scaled,
  seriesKey,
  type OpenAiSeriesEndpoint,
  type SyntheticUsage,
} from './usage';

/** The Usage API's result shape per endpoint (`data/openai-openapi.yaml`, `Usage*Result`). */
export interface OpenAiEndpointShape {
  object: string;
  /** `group_by` values the endpoint accepts. */
  groupable: readonly string[];
  /** Group fields written on every result (null unless grouped), in the spec's order. */
  dimensions: readonly string[];
  metrics: readonly string[];
}

const PEOPLE = ['project_id', 'user_id', 'api_key_id'] as const;

export const OPENAI_ENDPOINT_SHAPES: Readonly<
  Record<OpenAiSeriesEndpoint, OpenAiEndpointShape>
> = {
  completions: {
    object: 'organization.usage.completions.result',
    groupable: [...PEOPLE, 'model', 'batch', 'service_tier'],
    dimensions: [...PEOPLE, 'model', 'batch', 'service_tier'],
    metrics: ['input_tokens', 'input_cached_tokens', 'input_cache_write_tokens', 'input_uncached_tokens', 'output_tokens', 'num_model_requests'],
  },
  embeddings: {
    object: 'organization.usage.embeddings.result',
    groupable: [...PEOPLE, 'model'],
    dimensions: [...PEOPLE, 'model'],
    metrics: ['input_tokens', 'num_model_requests'],
  },
  moderations: {
    object: 'organization.usage.moderations.result',
    groupable: [...PEOPLE, 'model'],
    dimensions: [...PEOPLE, 'model'],
    metrics: ['input_tokens', 'num_model_requests'],
  },
  images: {
    object: 'organization.usage.images.result',
    groupable: [...PEOPLE, 'model', 'size', 'source'],
    dimensions: ['source', 'size', ...PEOPLE, 'model'],
    metrics: ['images', 'num_model_requests'],
  },
  audio_speeches: {
    object: 'organization.usage.audio_speeches.result',
    groupable: [...PEOPLE, 'model'],
    dimensions: [...PEOPLE, 'model'],
    metrics: ['characters', 'num_model_requests'],
  },
  audio_transcriptions: {
    object: 'organization.usage.audio_transcriptions.result',
    groupable: [...PEOPLE, 'model'],
    dimensions: [...PEOPLE, 'model'],
    metrics: ['seconds', 'num_model_requests'],
  },
  vector_stores: {
    object: 'organization.usage.vector_stores.result',
    groupable: ['project_id'],
    dimensions: ['project_id'],
    metrics: ['usage_bytes'],
  },
  code_interpreter_sessions: {
    object: 'organization.usage.code_interpreter_sessions.result',
    groupable: ['project_id'],
    dimensions: ['project_id'],
    metrics: ['num_sessions'],
  },
  file_search_calls: {
    object: 'organization.usage.file_searches.result',
    groupable: [...PEOPLE, 'vector_store_id'],
    dimensions: [...PEOPLE, 'vector_store_id'],
    metrics: ['num_requests'],
  },
  web_search_calls: {
    object: 'organization.usage.web_searches.result',
    groupable: [...PEOPLE, 'model', 'context_level'],
    dimensions: [...PEOPLE, 'model', 'context_level'],
    metrics: ['num_model_requests', 'num_requests'],
  },
};

export type OpenAiRow = Record<string, string | number | boolean | null>;

/** Every series' row for one endpoint and day, all dimensions filled (grouping nulls them later). */
export function openAiUsageRows(
  usage: SyntheticUsage | null | undefined,
  endpoint: OpenAiSeriesEndpoint,
  day: string,
  nowMs: number,
  revision: number,
): OpenAiRow[] {
  if (!usage) return [];
  const shape = OPENAI_ENDPOINT_SHAPES[endpoint];
  const rows: OpenAiRow[] = [];
  for (const series of usage.openai ?? []) {
    if (series.endpoint !== endpoint) continue;
    const factor = dayFactor(usage, seriesKey(series), day, nowMs, revision);
    if (factor <= 0) continue;
    const row: OpenAiRow = {};
    for (const dimension of shape.dimensions) {
      row[dimension] = (series as unknown as Record<string, string | boolean | null | undefined>)[dimension] ?? null;
    }
    const metric = (name: string) => scaled(series.daily[name] ?? 0, factor);
    if (endpoint === 'completions') {
      const uncached = metric('input_uncached_tokens');
      const cached = metric('input_cached_tokens');
      const write = metric('input_cache_write_tokens');
      row['input_tokens'] = uncached + cached + write;
      row['input_cached_tokens'] = cached;
      row['input_cache_write_tokens'] = write;
      row['input_uncached_tokens'] = uncached;
      row['output_tokens'] = metric('output_tokens');
      row['num_model_requests'] = metric('num_model_requests');
    } else {
      for (const name of shape.metrics) row[name] = metric(name);
    }
    if (shape.metrics.some((name) => row[name] !== 0)) rows.push(row);
  }
  return rows;
}

export interface OpenAiCostRow extends Record<string, unknown> {
  line_item: string;
  project_id: string | null;
  api_key_id: null;
  amount: InstanceType<typeof LedgerDecimal>;
  quantity: number | null;
  quantity_unit: string | null;
}

/** What the organisation was billed on a day: every series' cost lines plus the extra lines. */
export function openAiCostRows(
  usage: SyntheticUsage | null | undefined,
  day: string,
  nowMs: number,
  revision: number,
): OpenAiCostRow[] {
  if (!usage) return [];
  const rows: OpenAiCostRow[] = [];
  for (const series of usage.openai ?? []) {
    if (!series.costs?.length) continue;
    const [row] = openAiUsageRows({ ...usage, openai: [series] }, series.endpoint, day, nowMs, revision);
    if (!row) continue;
    for (const cost of series.costs) {
      const quantity = Number(row[cost.metric] ?? 0);
      if (quantity === 0) continue;
      rows.push({
        line_item: cost.lineItem,
        project_id: series.project_id,
        api_key_id: null,
        amount: new LedgerDecimal(cost.usdPerUnit).times(quantity),
        quantity,
        quantity_unit: cost.quantityUnit ?? null,
      });
    }
  }
  for (const extra of usage.openaiExtraCosts ?? []) {
    if (!extraCostApplies(usage, extra, day, nowMs)) continue;
    rows.push({
      line_item: extra.description,
      project_id: extra.project ?? null,
      api_key_id: null,
      amount: new LedgerDecimal(extra.usd),
      quantity: null,
      quantity_unit: null,
    });
  }
  return rows;
}
