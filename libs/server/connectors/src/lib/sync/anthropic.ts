import { LedgerDecimal, parseAmount, type ContextTier, type ServiceTier } from '@act/domain/usage';
import { ANTHROPIC_VERSION, anthropicProbe } from '../connection-test/anthropic';
import { field } from '../connection-test/verdict';
import { DAY_MS, dayOfMs, dayStartMs, rfc3339 } from './days';
import { toRawJson, type ShapeReader } from './provider-json';
import { SyncRun } from './sync-run';
import type {
  SyncAccount,
  SyncConnector,
  SyncConnectorOptions,
  SyncRange,
  SyncResult,
  SyncRunOptions,
} from './types';

/**
 * Anthropic Admin API: `usage_report/messages` (tokens by class) and `cost_report` (amounts as decimal strings
 * in CENTS), daily buckets, `x-api-key` admin key + `anthropic-version`.
 */
export interface AnthropicSyncOptions extends SyncConnectorOptions {
  /** Whether to read the cost report (default true). */
  costs?: boolean;
}

const ANTHROPIC_TIERS: Readonly<Record<string, ServiceTier>> = {
  standard: 'standard',
  batch: 'batch',
  priority: 'priority',
  priority_on_demand: 'priority',
  flex: 'flex',
  flex_discount: 'flex',
};

const ANTHROPIC_CONTEXT: Readonly<Record<string, ContextTier>> = {
  '0-200k': 'standard',
  '200k-1M': 'long',
};

const ANTHROPIC_PAGE_MAX = 31;
const UNKNOWN_MODEL = 'unknown-model';

/** `"123.45"` cents → `"1.2345"` dollars, exactly; `null` when the text is not a decimal. */
export function anthropicCentsToDollars(cents: string): string | null {
  const parsed = parseAmount(cents);
  if (!parsed.ok) return null;
  const dollars = new LedgerDecimal(parsed.value).div(100);
  return dollars.isZero() ? '0' : dollars.toFixed();
}

export class AnthropicSyncConnector implements SyncConnector {
  readonly provider = 'anthropic' as const;
  private readonly includeCosts: boolean;

  constructor(
    private readonly account: SyncAccount,
    private readonly options: AnthropicSyncOptions = {},
  ) {
    this.includeCosts = options.costs ?? true;
  }

  async sync(range: SyncRange, run: SyncRunOptions = {}): Promise<SyncResult> {
    const state = SyncRun.start({
      provider: 'anthropic',
      label: 'Anthropic',
      location: anthropicProbe.location,
      account: this.account,
      options: this.options,
      range,
      run,
      stepCount: this.includeCosts ? 2 : 1,
      headers: (credential) => ({
        'x-api-key': credential,
        'anthropic-version': ANTHROPIC_VERSION,
        accept: 'application/json',
      }),
      client: {
        errorText: (json) => field(field(json, 'error'), 'message'),
      },
    });
    if (state.empty) return state.finish();
    const window: [string, string][] = [
      ['starting_at', rfc3339(dayStartMs(state.range.from))],
      ['ending_at', rfc3339(dayStartMs(state.endExclusive))],
      ['bucket_width', '1d'],
      ['limit', String(state.pageSize(ANTHROPIC_PAGE_MAX))],
    ];
    await state.walkPages(
      'usage_report/messages',
      '/organizations/usage_report/messages',
      [
        ...window,
        ['group_by[]', 'model'],
        ['group_by[]', 'service_tier'],
        ['group_by[]', 'context_window'],
        ['group_by[]', 'workspace_id'],
      ],
      (page, url) => readBuckets(state, page, url, (row, day) => mapUsage(state, row, day, url)),
    );
    if (this.includeCosts) {
      await state.walkPages(
        'cost_report',
        '/organizations/cost_report',
        [...window, ['group_by[]', 'workspace_id'], ['group_by[]', 'description']],
        (page, url) => readBuckets(state, page, url, (row, day) => mapCost(state, row, day, url)),
      );
    }
    return state.finish();
  }
}

function mapUsage(state: SyncRun, row: ShapeReader, day: string, url: string): void {
  const cacheCreation = row.object('cache_creation');
  const serverTools = row.optionalObject('server_tool_use');
  const model = row.optionalString('model');
  if (model === null) {
    state.warn({
      code: 'unknown_value',
      message: `Anthropic reported usage without a model; recorded as "${UNKNOWN_MODEL}" (unpriced).`,
      endpoint: url,
      fieldPath: row.at('model'),
    });
  }
  state.addUsage({
    day,
    model: model ?? UNKNOWN_MODEL,
    operation: 'chat/completions',
    serviceTier: mapValue(state, row, 'service_tier', ANTHROPIC_TIERS, 'standard', url),
    contextTier: mapValue(state, row, 'context_window', ANTHROPIC_CONTEXT, 'standard', url),
    project: row.optionalString('workspace_id'),
    tokens: {
      inputUncached: row.count('uncached_input_tokens'),
      inputCachedRead: row.count('cache_read_input_tokens'),
      cacheWrite5m: cacheCreation.count('ephemeral_5m_input_tokens'),
      cacheWrite1h: cacheCreation.count('ephemeral_1h_input_tokens'),
      output: row.count('output_tokens'),
    },
    units: { webSearchCalls: serverTools?.optionalCount('web_search_requests') ?? 0 },
    raw: toRawJson(row.value),
    endpoint: url,
    path: row.path,
    fieldPaths: { model: row.at('model'), project: row.at('workspace_id') },
  });
}

function mapCost(state: SyncRun, row: ShapeReader, day: string, url: string): void {
  const cents = row.decimalString('amount');
  const currency = row.string('currency');
  if (currency.toUpperCase() !== 'USD') {
    row.fail('currency', `only USD amounts are supported; got ${JSON.stringify(currency)}`);
  }
  const dollars = anthropicCentsToDollars(cents);
  if (dollars === null) row.fail('amount', `should be a decimal number of cents; got ${JSON.stringify(cents)}`);
  state.addCost({
    day,
    description: row.optionalString('description') ?? row.optionalString('cost_type') ?? 'unspecified',
    project: row.optionalString('workspace_id'),
    amount: dollars,
    raw: toRawJson(row.value),
    endpoint: url,
    path: row.path,
    fieldPaths: { description: row.at('description'), project: row.at('workspace_id'), amount: row.at('amount') },
  });
}

function mapValue<T extends string>(
  state: SyncRun,
  row: ShapeReader,
  key: string,
  table: Readonly<Record<string, T>>,
  fallback: T,
  url: string,
): T {
  const value = row.optionalString(key);
  if (value === null) return fallback;
  const mapped = table[value];
  if (mapped !== undefined) return mapped;
  state.warn({
    code: 'unknown_value',
    message: `Anthropic reported an unknown ${key} "${value}"; counted as ${fallback} until it is mapped.`,
    endpoint: url,
    fieldPath: row.at(key),
  });
  return fallback;
}

/** `{data:[{starting_at, ending_at, results:[…]}], has_more, next_page}` with RFC 3339 bucket bounds. */
function readBuckets(
  state: SyncRun,
  page: ShapeReader,
  url: string,
  onRow: (row: ShapeReader, day: string) => void,
): { rows: number; days: string[] } {
  let rows = 0;
  const days: string[] = [];
  for (const bucket of page.objects('data')) {
    const start = Date.parse(bucket.string('starting_at'));
    const end = Date.parse(bucket.string('ending_at'));
    if (Number.isNaN(start)) bucket.fail('starting_at', 'is not an RFC 3339 timestamp');
    if (Number.isNaN(end)) bucket.fail('ending_at', 'is not an RFC 3339 timestamp');
    if (end - start !== DAY_MS || start % DAY_MS !== 0) {
      bucket.fail('starting_at', 'the bucket is not one UTC day (bucket_width=1d was asked for)');
    }
    const day = dayOfMs(start);
    const results = bucket.objects('results');
    if (!state.inRange(day)) {
      if (results.length > 0) {
        state.warn({
          code: 'outside_range',
          message: `Anthropic returned a bucket for ${day}, outside the range asked for; it was ignored.`,
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
