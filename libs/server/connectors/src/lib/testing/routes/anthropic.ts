import type { ProviderRouteModule, Reply, RouteContext } from '../route-module';
import { DAY_SECONDS, headerValue, intParam, json } from '../route-module';

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

/** `GET /v1/organizations/cost_report`: daily buckets, `limit` 1–31 (default 7), `page` cursor. */
function costReport({ request, now }: RouteContext): Reply {
  const { url } = request;
  const startingAt = parseTime(url.searchParams.get('starting_at'));
  if (startingAt === undefined) {
    return anthropicError(
      400,
      'invalid_request_error',
      'starting_at: Field required (RFC 3339 timestamp)',
    );
  }
  const endingAtRaw = url.searchParams.get('ending_at');
  const endingAt =
    endingAtRaw === null
      ? Math.floor(now.getTime() / 1000)
      : parseTime(endingAtRaw);
  if (endingAt === undefined)
    return anthropicError(
      400,
      'invalid_request_error',
      'ending_at: invalid RFC 3339 timestamp',
    );
  const limit = intParam(url, 'limit') ?? 7;
  if (limit === 'invalid' || limit < 1 || limit > 31) {
    return anthropicError(
      400,
      'invalid_request_error',
      'limit: must be between 1 and 31',
    );
  }
  const page = url.searchParams.get('page');
  const first =
    page === null
      ? Math.floor(startingAt / DAY_SECONDS) * DAY_SECONDS
      : parseTime(Buffer.from(page.replace(/^page_/, ''), 'base64').toString());
  if (first === undefined)
    return anthropicError(400, 'invalid_request_error', 'page: invalid cursor');

  const data: unknown[] = [];
  let bucket = first;
  while (bucket < endingAt && data.length < limit) {
    data.push({
      starting_at: rfc3339(bucket),
      ending_at: rfc3339(bucket + DAY_SECONDS),
      results: [],
    });
    bucket += DAY_SECONDS;
  }
  const hasMore = bucket < endingAt;
  return json(200, {
    data,
    has_more: hasMore,
    next_page: hasMore
      ? `page_${Buffer.from(rfc3339(bucket)).toString('base64')}`
      : null,
  });
}

function parseTime(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
