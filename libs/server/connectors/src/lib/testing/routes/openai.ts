import type { ProviderRouteModule, Reply, RouteContext, TestRoute } from '../route-module';
import {
  bearerToken,
  bucketPage,
  DAY_SECONDS,
  groupRows,
  intParam,
  json,
  maskKey,
  multiParam,
  utcDay,
} from '../route-module';
import {
  OPENAI_ENDPOINT_SHAPES,
  openAiCostRows,
  openAiUsageRows,
  type OpenAiCostRow,
  type OpenAiRow,
} from '../synthetic/openai-data';
import { jsonNumber, type OpenAiSeriesEndpoint } from '../synthetic/usage';

/**
 * OpenAI (`data/openai-openapi.yaml`): Bearer admin key; errors are `{"error":{"message","type","param","code"}}`.
 * Scopes as OpenAI names them: the Usage and Costs APIs need `api.usage.read`.
 */
export function openaiError(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
): Reply {
  return json(status, { error: { message, type, param, code } });
}

const INSUFFICIENT = (scope: string) =>
  `You have insufficient permissions for this operation. Missing scopes: ${scope}. Check that you have the correct role in your organization, and if you're using a restricted API key, that it has the necessary scopes.`;

export const openaiRoutes: ProviderRouteModule = {
  provider: 'openai',
  apiPrefix: '/v1',
  readCredential: bearerToken,
  routes: [
    {
      method: 'GET',
      path: '/v1/organization/costs',
      scope: 'api.usage.read',
      handle: costs,
    },
    ...(Object.keys(OPENAI_ENDPOINT_SHAPES) as OpenAiSeriesEndpoint[]).map(
      (endpoint): TestRoute => ({
        method: 'GET',
        path: `/v1/organization/usage/${endpoint}`,
        scope: 'api.usage.read',
        handle: (context) => usage(endpoint, context),
      }),
    ),
  ],
  replies: {
    unauthenticated: (presented) =>
      presented === null
        ? openaiError(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            'invalid_request_error',
          )
        : openaiError(
            401,
            `Incorrect API key provided: ${maskKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            'invalid_api_key',
          ),
    // A restricted Admin key gets 401 with "Missing scopes" (as OpenAI answers restricted keys); a project key on
    // an admin endpoint gets 403 (the brief's contract). The client handles both as a scope problem.
    forbidden: (key, scope) =>
      openaiError(
        key.kind === 'admin' ? 401 : 403,
        INSUFFICIENT(scope),
        'invalid_request_error',
      ),
    rateLimited: () =>
      openaiError(
        429,
        'Rate limit reached for requests. Please try again later.',
        'requests',
        'rate_limit_exceeded',
      ),
    serverError: (status) =>
      status === 503
        ? openaiError(
            503,
            'The engine is currently overloaded, please try again later.',
            'server_error',
          )
        : openaiError(
            status,
            'The server had an error while processing your request. Sorry about that!',
            'server_error',
          ),
    notFound: (request) =>
      openaiError(
        404,
        `Invalid URL (${request.method} ${request.url.pathname})`,
        'invalid_request_error',
      ),
  },
};


interface Window {
  starts: number[];
  hasMore: boolean;
  nextPage: string | null;
}

/**
 * The parameters every Usage/Costs endpoint shares: `start_time` (required, snapped to 00:00 UTC), `end_time`
 * (exclusive; buckets end at the one holding "now"), `bucket_width` (`1d` only here), `limit` (1–`maxLimit`,
 * default 7), `page` (an opaque cursor: `page_` + base64url of the next bucket start).
 */
function readWindow(
  { request, now, state }: RouteContext,
  maxLimit: number,
  widths: readonly string[],
): Window | Reply {
  const { url } = request;
  const start = intParam(url, 'start_time');
  if (start === undefined)
    return openaiError(400, "Missing required parameter: 'start_time'.", 'invalid_request_error', null, 'start_time');
  const end = intParam(url, 'end_time');
  const limit = intParam(url, 'limit') ?? 7;
  if (start === 'invalid' || end === 'invalid') {
    return openaiError(400, 'Invalid value for time range; expected Unix seconds.', 'invalid_request_error', null, 'start_time');
  }
  if (limit === 'invalid' || limit < 1 || limit > maxLimit) {
    return openaiError(400, `Invalid value for limit: must be between 1 and ${maxLimit}.`, 'invalid_request_error', null, 'limit');
  }
  const width = url.searchParams.get('bucket_width');
  if (width !== null && !widths.includes(width)) {
    return openaiError(400, `Invalid value for bucket_width: only ${widths.map((w) => `'${w}'`).join(', ')} is supported.`, 'invalid_request_error', null, 'bucket_width');
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const until = Math.min(end ?? nowSeconds, nowSeconds);
  const page = url.searchParams.get('page');
  let first = Math.floor(start / DAY_SECONDS) * DAY_SECONDS;
  if (page !== null) {
    const decoded = /^page_([A-Za-z0-9_-]+)$/.exec(page);
    const value = decoded ? Number(Buffer.from(decoded[1], 'base64url').toString()) : Number.NaN;
    if (!Number.isInteger(value) || value % DAY_SECONDS !== 0)
      return openaiError(400, 'Invalid page cursor.', 'invalid_request_error', null, 'page');
    first = value;
  }
  const { starts, next } = bucketPage(first, until, limit, state.pageSize);
  return {
    starts,
    hasMore: next !== null,
    nextPage: next === null ? null : `page_${Buffer.from(String(next)).toString('base64url')}`,
  };
}

function isReply(value: Window | Reply | string[]): value is Reply {
  return !Array.isArray(value) && 'status' in value;
}

function groupBy(context: RouteContext, groupable: readonly string[]): string[] | Reply {
  const groups = multiParam(context.request.url, 'group_by');
  const unknown = groups.find((group) => !groupable.includes(group));
  if (unknown !== undefined) {
    return openaiError(400, `Invalid value for group_by: '${unknown}'. Supported values are: ${groupable.join(', ')}.`, 'invalid_request_error', null, 'group_by');
  }
  return [...new Set(groups)];
}

function page(window: Window, buckets: unknown[]): Reply {
  return json(200, { object: 'page', data: buckets, has_more: window.hasMore, next_page: window.nextPage });
}

/** `GET /organization/usage/{endpoint}`: the organisation's rows per day, filtered and grouped as asked. */
function usage(endpoint: OpenAiSeriesEndpoint, context: RouteContext): Reply {
  const shape = OPENAI_ENDPOINT_SHAPES[endpoint];
  const window = readWindow(context, 31, ['1d']);
  if (isReply(window)) return window;
  const groups = groupBy(context, shape.groupable);
  if (isReply(groups)) return groups;
  const { url } = context.request;
  const projects = multiParam(url, 'project_ids');
  const models = multiParam(url, 'models');
  const batch = url.searchParams.get('batch');
  const buckets = window.starts.map((start) => {
    const day = utcDay(start);
    const rows = openAiUsageRows(context.organisation.usage, endpoint, day, context.now.getTime(), context.state.revisions.get(day) ?? 0)
      .filter((row) => projects.length === 0 || projects.includes(String(row['project_id'])))
      .filter((row) => models.length === 0 || models.includes(String(row['model'])))
      .filter((row) => batch === null || String(row['batch'] === true) === batch);
    const grouped = groupRows<OpenAiRow>(rows, groups, shape.dimensions, (into, row) => {
      for (const metric of shape.metrics) into[metric] = Number(into[metric] ?? 0) + Number(row[metric] ?? 0);
    });
    return {
      object: 'bucket',
      start_time: start,
      end_time: start + DAY_SECONDS,
      results: grouped.map((row) => ({ object: shape.object, ...row })),
    };
  });
  return page(window, buckets);
}

/**
 * `GET /organization/costs`: daily buckets, `limit` 1–180 (default 7), `group_by` `project_id|line_item|
 * api_key_id`. `amount.value` is a JSON number written with every digit of the exact amount.
 */
function costs(context: RouteContext): Reply {
  const window = readWindow(context, 180, ['1d']);
  if (isReply(window)) return window;
  const groups = groupBy(context, ['project_id', 'line_item', 'api_key_id']);
  if (isReply(groups)) return groups;
  const projects = multiParam(context.request.url, 'project_ids');
  const byLine = groups.includes('line_item');
  const buckets = window.starts.map((start) => {
    const day = utcDay(start);
    const rows = openAiCostRows(context.organisation.usage, day, context.now.getTime(), context.state.revisions.get(day) ?? 0)
      .filter((row) => projects.length === 0 || projects.includes(String(row.project_id)));
    const grouped = groupRows<OpenAiCostRow>(rows, groups, ['line_item', 'project_id', 'api_key_id'], (into, row) => {
      into.amount = into.amount.plus(row.amount);
      into.quantity = into.quantity === null || row.quantity === null ? null : into.quantity + row.quantity;
    });
    return {
      object: 'bucket',
      start_time: start,
      end_time: start + DAY_SECONDS,
      results: grouped.map((row) => ({
        object: 'organization.costs.result',
        amount: { value: jsonNumber(row.amount.isZero() ? '0' : row.amount.toFixed()), currency: 'usd' },
        line_item: row.line_item,
        project_id: row.project_id,
        api_key_id: row.api_key_id,
        quantity: byLine ? row.quantity : null,
        quantity_unit: byLine ? row.quantity_unit : null,
      })),
    };
  });
  return page(window, buckets);
}
