import type { ProviderRouteModule, Reply, RouteContext } from '../route-module';
import {
  bucketPage,
  DAY_SECONDS,
  groupRows,
  headerValue,
  intParam,
  json,
  multiParam,
  utcDay,
} from '../route-module';
import {
  ANTHROPIC_COST_DIMENSIONS,
  ANTHROPIC_USAGE_DIMENSIONS,
  ANTHROPIC_USAGE_METRICS,
  anthropicCostRows,
  anthropicUsageRows,
  type AnthropicCostRow,
  type AnthropicUsageRow,
} from '../synthetic/anthropic-data';

/**
 * Anthropic Admin API: `x-api-key` + required `anthropic-version`; errors are
 * `{"type":"error","error":{"type","message"},"request_id"}` with 401 authentication_error, 403 permission_error,
 * 404 not_found_error, 429 rate_limit_error, 500 api_error, 529 overloaded_error.
 */
let requestCounter = 0;

export function anthropicError(
  status: number,
  type: string,
  message: string,
): Reply {
  requestCounter += 1;
  const requestId = `req_test${String(requestCounter).padStart(20, '0')}`;
  return json(
    status,
    { type: 'error', error: { type, message }, request_id: requestId },
    { 'request-id': requestId },
  );
}

export const anthropicRoutes: ProviderRouteModule = {
  provider: 'anthropic',
  apiPrefix: '',
  readCredential: (request) => headerValue(request, 'x-api-key'),
  precheck: (request) =>
    headerValue(request, 'anthropic-version') === null
      ? anthropicError(
          400,
          'invalid_request_error',
          'anthropic-version: header is required',
        )
      : undefined,
  routes: [
    {
      method: 'GET',
      path: '/v1/organizations/cost_report',
      scope: 'admin',
      handle: costReport,
    },
    {
      method: 'GET',
      path: '/v1/organizations/usage_report/messages',
      scope: 'admin',
      handle: messagesUsage,
    },
  ],
  replies: {
    unauthenticated: (presented) =>
      anthropicError(
        401,
        'authentication_error',
        presented === null
          ? 'x-api-key header is required'
          : 'invalid x-api-key',
      ),
    forbidden: (key) =>
      anthropicError(
        403,
        'permission_error',
        key.kind === 'standard'
          ? 'This endpoint requires an Admin API key (sk-ant-admin...).'
          : 'Your API key does not have permission to use the specified resource.',
      ),
    rateLimited: () =>
      anthropicError(
        429,
        'rate_limit_error',
        'Number of requests has exceeded your rate limit.',
      ),
    serverError: (status) =>
      status === 529
        ? anthropicError(529, 'overloaded_error', 'Overloaded')
        : anthropicError(status, 'api_error', 'Internal server error'),
    notFound: () => anthropicError(404, 'not_found_error', 'Not found'),
  },
};

interface Window {
  starts: number[];
  hasMore: boolean;
  nextPage: string | null;
}

/**
 * Shared parameters: `starting_at` (required, RFC 3339, snapped to 00:00 UTC), `ending_at` (exclusive; buckets
 * end at the one holding "now"), `bucket_width` (`1d` only here), `limit` 1–31 (default 7), `page`
 * (`page_` + base64 of the next bucket's RFC 3339 start).
 */
function readWindow({ request, now, state }: RouteContext): Window | Reply {
  const { url } = request;
  const startingAt = parseTime(url.searchParams.get('starting_at'));
  if (startingAt === undefined) {
    return anthropicError(400, 'invalid_request_error', 'starting_at: Field required (RFC 3339 timestamp)');
  }
  const endingAtRaw = url.searchParams.get('ending_at');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const endingAt = endingAtRaw === null ? nowSeconds : parseTime(endingAtRaw);
  if (endingAt === undefined)
    return anthropicError(400, 'invalid_request_error', 'ending_at: invalid RFC 3339 timestamp');
  const limit = intParam(url, 'limit') ?? 7;
  if (limit === 'invalid' || limit < 1 || limit > 31) {
    return anthropicError(400, 'invalid_request_error', 'limit: must be between 1 and 31');
  }
  const width = url.searchParams.get('bucket_width');
  if (width !== null && width !== '1d') {
    return anthropicError(400, 'invalid_request_error', `bucket_width: only "1d" is served by this test server; got "${width}"`);
  }
  const page = url.searchParams.get('page');
  const first =
    page === null
      ? Math.floor(startingAt / DAY_SECONDS) * DAY_SECONDS
      : parseTime(Buffer.from(page.replace(/^page_/, ''), 'base64').toString());
  if (first === undefined || first % DAY_SECONDS !== 0)
    return anthropicError(400, 'invalid_request_error', 'page: invalid cursor');
  const { starts, next } = bucketPage(first, Math.min(endingAt, nowSeconds), limit, state.pageSize);
  return {
    starts,
    hasMore: next !== null,
    nextPage: next === null ? null : `page_${Buffer.from(rfc3339(next)).toString('base64')}`,
  };
}

function isReply(value: Window | Reply | string[]): value is Reply {
  return !Array.isArray(value) && 'status' in value;
}

function groupBy(context: RouteContext, groupable: readonly string[]): string[] | Reply {
  const groups = multiParam(context.request.url, 'group_by');
  const unknown = groups.find((group) => !groupable.includes(group));
  if (unknown !== undefined) {
    return anthropicError(400, 'invalid_request_error', `group_by: unsupported value "${unknown}"; expected any of ${groupable.join(', ')}`);
  }
  return [...new Set(groups)];
}

/** `GET /v1/organizations/usage_report/messages`: token classes per bucket, grouped by `group_by[]`. */
function messagesUsage(context: RouteContext): Reply {
  const window = readWindow(context);
  if (isReply(window)) return window;
  const groups = groupBy(context, ['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window']);
  if (isReply(groups)) return groups;
  const { url } = context.request;
  const filters: [string, string[]][] = [
    ['model', multiParam(url, 'models')],
    ['workspace_id', multiParam(url, 'workspace_ids')],
    ['service_tier', multiParam(url, 'service_tiers')],
    ['context_window', multiParam(url, 'context_window')],
  ];
  const data = window.starts.map((start) => {
    const day = utcDay(start);
    const rows = anthropicUsageRows(context.organisation.usage, day, context.now.getTime(), context.state.revisions.get(day) ?? 0)
      .filter((row) => filters.every(([name, values]) => values.length === 0 || values.includes(String(row[name]))));
    const grouped = groupRows<AnthropicUsageRow>(rows, groups, ANTHROPIC_USAGE_DIMENSIONS, (into, row) => {
      for (const metric of ANTHROPIC_USAGE_METRICS) into[metric] += row[metric];
    });
    return {
      starting_at: rfc3339(start),
      ending_at: rfc3339(start + DAY_SECONDS),
      results: grouped.map((row) => ({
        uncached_input_tokens: row.uncached_input_tokens,
        cache_creation: {
          ephemeral_1h_input_tokens: row.ephemeral_1h_input_tokens,
          ephemeral_5m_input_tokens: row.ephemeral_5m_input_tokens,
        },
        cache_read_input_tokens: row.cache_read_input_tokens,
        output_tokens: row.output_tokens,
        server_tool_use: { web_search_requests: row.web_search_requests },
        api_key_id: row.api_key_id,
        workspace_id: row.workspace_id,
        model: row.model,
        service_tier: row.service_tier,
        context_window: row.context_window,
      })),
    };
  });
  return json(200, { data, has_more: window.hasMore, next_page: window.nextPage });
}

/**
 * `GET /v1/organizations/cost_report`: daily buckets, `group_by[]` `workspace_id|description`. `amount` is a
 * decimal string in CENTS; the breakdown fields are null unless grouped by description.
 */
function costReport(context: RouteContext): Reply {
  const window = readWindow(context);
  if (isReply(window)) return window;
  const groups = groupBy(context, ['workspace_id', 'description']);
  if (isReply(groups)) return groups;
  const byDescription = groups.includes('description');
  // Grouping by description also splits by its breakdown fields, as Anthropic does.
  const keys = byDescription ? [...groups, 'cost_type', 'model', 'service_tier', 'context_window', 'token_type'] : groups;
  const data = window.starts.map((start) => {
    const day = utcDay(start);
    const rows = anthropicCostRows(context.organisation.usage, day, context.now.getTime(), context.state.revisions.get(day) ?? 0);
    const grouped = groupRows<AnthropicCostRow>(rows, keys, ANTHROPIC_COST_DIMENSIONS, (into, row) => {
      into.usd = into.usd.plus(row.usd);
    });
    return {
      starting_at: rfc3339(start),
      ending_at: rfc3339(start + DAY_SECONDS),
      results: grouped.map((row) => {
        const cents = row.usd.times(100);
        return {
          currency: 'USD',
          amount: cents.isZero() ? '0' : cents.toFixed(),
          workspace_id: row.workspace_id,
          description: row.description,
          cost_type: row.cost_type,
          context_window: row.context_window,
          model: row.model,
          service_tier: row.service_tier,
          token_type: row.token_type,
        };
      }),
    };
  });
  return json(200, { data, has_more: window.hasMore, next_page: window.nextPage });
}

function parseTime(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
