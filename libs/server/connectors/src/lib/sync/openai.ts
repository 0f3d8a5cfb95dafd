import type { Operation, ServiceTier } from '@act/domain/usage';
import { openaiProbe } from '../connection-test/openai';
import { field } from '../connection-test/verdict';
import type { HttpAnswer } from '../http/http-get';
import { DAY_MS, dayOfMs, dayStartMs } from './days';
import { ShapeProblem, toRawJson, type ShapeReader } from './provider-json';
import { SyncRun, type UsageCandidate } from './sync-run';
import type {
  SyncAccount,
  SyncConnector,
  SyncConnectorOptions,
  SyncRange,
  SyncResult,
  SyncRunOptions,
} from './types';

/**
 * OpenAI: the Usage API (`/organization/usage/*`, one endpoint per product) and the Costs API
 * (`/organization/costs`), daily buckets, admin key as Bearer. See the README's mapping table.
 */
export type OpenAiUsageEndpoint =
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

interface EndpointSpec {
  name: OpenAiUsageEndpoint;
  /** `group_by` values sent (the price-relevant dimensions the endpoint supports). */
  groupBy: readonly string[];
  operation: Operation;
  /** Endpoints without a model dimension get this pseudo model id (unpriced by the catalogue). */
  fixedModel?: string;
  map(row: ShapeReader): Pick<UsageCandidate, 'tokens' | 'units'>;
}

/**
 * `input_tokens` INCLUDES cached and cache-write tokens: uncached = input − cached − cache-write. The Usage API
 * does not split reasoning out of `output_tokens`, so reasoning stays 0 and output holds both.
 */
export function openAiCompletionTokens(row: ShapeReader): UsageCandidate['tokens'] {
  const input = row.count('input_tokens');
  const cached = row.optionalCount('input_cached_tokens');
  const cacheWrite = row.optionalCount('input_cache_write_tokens');
  const uncached = input - cached - cacheWrite;
  if (uncached < 0) {
    throw new ShapeProblem(
      row.at('input_tokens'),
      'invalid_value',
      `${row.at('input_tokens')} (${input}) is smaller than input_cached_tokens (${cached}) + input_cache_write_tokens (${cacheWrite}); input_tokens no longer seems to include cached tokens`,
    );
  }
  return {
    inputUncached: uncached,
    inputCachedRead: cached,
    cacheWrite5m: cacheWrite,
    output: row.count('output_tokens'),
  };
}

const MODEL_PROJECT = ['model', 'project_id'] as const;

export const OPENAI_USAGE_ENDPOINTS: readonly EndpointSpec[] = [
  {
    name: 'completions',
    groupBy: ['model', 'project_id', 'batch', 'service_tier'],
    operation: 'chat/completions',
    map: (row) => ({
      tokens: openAiCompletionTokens(row),
      units: { requests: row.count('num_model_requests') },
    }),
  },
  {
    name: 'embeddings',
    groupBy: MODEL_PROJECT,
    operation: 'embeddings',
    map: (row) => ({
      tokens: { inputUncached: row.count('input_tokens') },
      units: { requests: row.count('num_model_requests') },
    }),
  },
  {
    name: 'moderations',
    groupBy: MODEL_PROJECT,
    operation: 'moderations',
    map: (row) => ({
      tokens: { inputUncached: row.count('input_tokens') },
      units: { requests: row.count('num_model_requests') },
    }),
  },
  {
    name: 'images',
    // Size and source change the price per image; the key has no such dimension, so they are summed per model
    // and kept, row by row, in `raw`.
    groupBy: ['model', 'project_id', 'size', 'source'],
    operation: 'images',
    map: (row) => ({
      tokens: {},
      units: {
        images: row.count('images'),
        requests: row.count('num_model_requests'),
      },
    }),
  },
  {
    name: 'audio_speeches',
    groupBy: MODEL_PROJECT,
    operation: 'audio_speech',
    map: (row) => ({
      tokens: {},
      units: {
        characters: row.count('characters'),
        requests: row.count('num_model_requests'),
      },
    }),
  },
  {
    name: 'audio_transcriptions',
    groupBy: MODEL_PROJECT,
    operation: 'audio_transcription',
    map: (row) => ({
      tokens: {},
      units: {
        audioSeconds: row.count('seconds'),
        requests: row.count('num_model_requests'),
      },
    }),
  },
  {
    name: 'vector_stores',
    groupBy: ['project_id'],
    operation: 'vector_stores',
    fixedModel: 'vector-store-storage',
    // Storage is billed per GB-day; the ledger has no byte unit, so `usage_bytes` lives in `raw` and the
    // billed amount comes from the Costs API.
    map: (row) => {
      row.count('usage_bytes');
      return { tokens: {}, units: {} };
    },
  },
  {
    name: 'code_interpreter_sessions',
    groupBy: ['project_id'],
    operation: 'code_interpreter',
    fixedModel: 'code-interpreter',
    map: (row) => ({
      tokens: {},
      units: { requests: row.count('num_sessions') },
    }),
  },
  {
    name: 'file_search_calls',
    groupBy: ['project_id'],
    operation: 'file_search',
    fixedModel: 'file-search',
    map: (row) => ({
      tokens: {},
      units: { requests: row.count('num_requests') },
    }),
  },
  {
    name: 'web_search_calls',
    // Search context size changes the price per call; summed per model like image sizes, kept in `raw`.
    groupBy: ['model', 'project_id', 'context_level'],
    operation: 'web_search',
    map: (row) => ({
      tokens: {},
      units: {
        webSearchCalls: row.count('num_requests'),
        requests: row.count('num_model_requests'),
      },
    }),
  },
];

/** OpenAI service tiers → ours. `scale` (Scale Tier units) and `auto`/`default` bill at standard rates. */
const OPENAI_TIERS: Readonly<Record<string, ServiceTier>> = {
  default: 'standard',
  auto: 'standard',
  standard: 'standard',
  scale: 'standard',
  priority: 'priority',
  flex: 'flex',
};

const OPENAI_COSTS_PAGE_MAX = 180;
const OPENAI_USAGE_PAGE_MAX = 31;
const UNKNOWN_MODEL = 'unknown-model';

export interface OpenAiSyncOptions extends SyncConnectorOptions {
  /** Only these usage endpoints (default: all ten). */
  endpoints?: readonly OpenAiUsageEndpoint[];
  /** Whether to read the Costs API (default true). */
  costs?: boolean;
}

export class OpenAiSyncConnector implements SyncConnector {
  readonly provider = 'openai' as const;
  private readonly includeCosts: boolean;

  constructor(
    private readonly account: SyncAccount,
    private readonly options: OpenAiSyncOptions = {},
  ) {
    this.includeCosts = options.costs ?? true;
  }

  async sync(range: SyncRange, run: SyncRunOptions = {}): Promise<SyncResult> {
    const only = this.options.endpoints;
    const endpoints = OPENAI_USAGE_ENDPOINTS.filter((e) => only === undefined || only.includes(e.name));
    const state = SyncRun.start({
      provider: 'openai',
      label: 'OpenAI',
      location: openaiProbe.location,
      account: this.account,
      options: this.options,
      range,
      run,
      stepCount: endpoints.length + (this.includeCosts ? 1 : 0),
      headers: (credential) => ({
        authorization: `Bearer ${credential}`,
        accept: 'application/json',
      }),
      client: { classifyRefusal: openAiRefusal, errorText: openAiErrorText },
    });
    if (state.empty) return state.finish();
    const window: [string, string][] = [
      ['start_time', String(dayStartMs(state.range.from) / 1000)],
      ['end_time', String(dayStartMs(state.endExclusive) / 1000)],
      ['bucket_width', '1d'],
    ];
    for (const endpoint of endpoints) {
      const query: [string, string][] = [
        ...window,
        ['limit', String(state.pageSize(OPENAI_USAGE_PAGE_MAX))],
        ...endpoint.groupBy.map((g): [string, string] => ['group_by', g]),
      ];
      await state.walkPages(
        `usage/${endpoint.name}`,
        `/organization/usage/${endpoint.name}`,
        query,
        (page, url) => readBuckets(state, page, url, (row, day) => this.mapUsage(state, endpoint, row, day, url)),
      );
    }
    if (this.includeCosts) {
      const query: [string, string][] = [
        ...window,
        ['limit', String(state.pageSize(OPENAI_COSTS_PAGE_MAX))],
        ['group_by', 'line_item'],
        ['group_by', 'project_id'],
      ];
      await state.walkPages('costs', '/organization/costs', query, (page, url) =>
        readBuckets(state, page, url, (row, day) => mapCost(state, row, day, url)),
      );
    }
    return state.finish();
  }

  private mapUsage(
    state: SyncRun,
    endpoint: EndpointSpec,
    row: ShapeReader,
    day: string,
    url: string,
  ): void {
    const { tokens, units } = endpoint.map(row);
    let model = endpoint.fixedModel;
    if (model === undefined) {
      model = row.optionalString('model') ?? UNKNOWN_MODEL;
      if (model === UNKNOWN_MODEL) {
        state.warn({
          code: 'unknown_value',
          message: `OpenAI reported ${endpoint.name} usage without a model; recorded as "${UNKNOWN_MODEL}" (unpriced).`,
          endpoint: url,
          fieldPath: row.at('model'),
        });
      }
    }
    state.addUsage({
      day,
      model,
      operation: endpoint.operation,
      serviceTier: endpoint.name === 'completions' ? completionsTier(state, row, url) : 'standard',
      contextTier: 'standard',
      project: row.optionalString('project_id'),
      tokens,
      units,
      raw: toRawJson(row.value),
      endpoint: url,
      path: row.path,
      fieldPaths: { model: row.at('model'), project: row.at('project_id') },
    });
    if (endpoint.name === 'completions') checkUncached(state, row, tokens.inputUncached ?? 0, url);
  }
}

/** `batch: true` is the Batch API (half price) whatever `service_tier` says; otherwise the tier decides. */
function completionsTier(state: SyncRun, row: ShapeReader, url: string): ServiceTier {
  if (row.optionalBoolean('batch') === true) return 'batch';
  const tier = row.optionalString('service_tier');
  if (tier === null) return 'standard';
  const mapped = OPENAI_TIERS[tier];
  if (mapped !== undefined) return mapped;
  state.warn({
    code: 'unknown_value',
    message: `OpenAI reported an unknown service tier "${tier}"; counted as standard until it is mapped.`,
    endpoint: url,
    fieldPath: row.at('service_tier'),
  });
  return 'standard';
}

/** `input_uncached_tokens`, when sent, must agree with the subtraction; if not, the subtraction is kept. */
function checkUncached(state: SyncRun, row: ShapeReader, computed: number, url: string): void {
  if (!row.has('input_uncached_tokens')) return;
  const reported = row.optionalCount('input_uncached_tokens');
  if (reported === computed) return;
  state.warn({
    code: 'inconsistent',
    message: `OpenAI's input_uncached_tokens (${reported}) differs from input_tokens − cached − cache-write (${computed}); the latter was recorded.`,
    endpoint: url,
    fieldPath: row.at('input_uncached_tokens'),
  });
}

function mapCost(state: SyncRun, row: ShapeReader, day: string, url: string): void {
  const amount = row.object('amount');
  const value = amount.numberText('value');
  const currency = amount.string('currency');
  if (currency.toLowerCase() !== 'usd') {
    amount.fail('currency', `only USD amounts are supported; got ${JSON.stringify(currency)}`);
  }
  state.addCost({
    day,
    description: row.optionalString('line_item') ?? 'unspecified',
    project: row.optionalString('project_id'),
    amount: value,
    raw: toRawJson(row.value),
    endpoint: url,
    path: row.path,
    fieldPaths: {
      description: row.at('line_item'),
      project: row.at('project_id'),
      amount: amount.at('value'),
    },
  });
}

/** `{object:"page", data:[{object:"bucket", start_time, end_time, results:[…]}], has_more, next_page}`. */
function readBuckets(
  state: SyncRun,
  page: ShapeReader,
  url: string,
  onRow: (row: ShapeReader, day: string) => void,
): { rows: number; days: string[] } {
  let rows = 0;
  const days: string[] = [];
  for (const bucket of page.objects('data')) {
    const start = bucket.integer('start_time');
    const end = bucket.integer('end_time');
    if (end - start !== DAY_MS / 1000 || start % (DAY_MS / 1000) !== 0) {
      bucket.fail('start_time', `the bucket ${start}–${end} is not one UTC day (bucket_width=1d was asked for)`);
    }
    const day = dayOfMs(start * 1000);
    const results = bucket.objects('results');
    if (!state.inRange(day)) {
      if (results.length > 0) {
        state.warn({
          code: 'outside_range',
          message: `OpenAI returned a bucket for ${day}, outside the range asked for; it was ignored.`,
          endpoint: url,
          fieldPath: bucket.path,
        });
      }
      continue;
    }
    state.markAnswered(day);
    days.push(day);
    for (const row of results) {
      onRow(row, day);
      rows += 1;
    }
  }
  return { rows, days };
}

/**
 * OpenAI answers 401 (not 403) when a valid admin key lacks a scope ("Missing scopes: api.usage.read"): that is
 * a permission problem, not a bad key. A project/user key on an admin endpoint gets 403.
 */
function openAiRefusal(answer: HttpAnswer) {
  if (answer.status !== 401) return undefined;
  const message = openAiErrorText(answer.json);
  return typeof message === 'string' &&
    /insufficient permissions|missing scope/i.test(message)
    ? { category: 'permission' as const, code: 'insufficient_scope' as const }
    : undefined;
}

function openAiErrorText(json: unknown): unknown {
  return field(field(json, 'error'), 'message');
}
