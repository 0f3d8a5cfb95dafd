import type { ProviderRouteModule, Reply, RouteContext } from '../route-module';
import {
  bearerToken,
  DAY_SECONDS,
  intParam,
  json,
  maskKey,
} from '../route-module';

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

/**
 * `GET /organization/costs`: daily buckets from `start_time` (snapped to 00:00 UTC) to `end_time` or now,
 * `limit` 1–180 (default 7), cursor pagination through `page`. Results are empty until the synthetic
 * organisation carries cost lines.
 */
function costs({ request, now }: RouteContext): Reply {
  const { url } = request;
  const start = intParam(url, 'start_time');
  if (start === undefined)
    return openaiError(
      400,
      "Missing required parameter: 'start_time'.",
      'invalid_request_error',
      null,
      'start_time',
    );
  const end = intParam(url, 'end_time');
  const limit = intParam(url, 'limit') ?? 7;
  if (start === 'invalid' || end === 'invalid') {
    return openaiError(
      400,
      'Invalid value for time range; expected Unix seconds.',
      'invalid_request_error',
      null,
      'start_time',
    );
  }
  if (limit === 'invalid' || limit < 1 || limit > 180) {
    return openaiError(
      400,
      'Invalid value for limit: must be between 1 and 180.',
      'invalid_request_error',
      null,
      'limit',
    );
  }
  const width = url.searchParams.get('bucket_width');
  if (width !== null && width !== '1d') {
    return openaiError(
      400,
      "Invalid value for bucket_width: only '1d' is supported.",
      'invalid_request_error',
      null,
      'bucket_width',
    );
  }
  const until = end ?? Math.floor(now.getTime() / 1000);
  const page = url.searchParams.get('page');
  const first =
    page === null
      ? Math.floor(start / DAY_SECONDS) * DAY_SECONDS
      : Number(Buffer.from(page, 'base64url').toString());
  if (!Number.isInteger(first))
    return openaiError(
      400,
      'Invalid page cursor.',
      'invalid_request_error',
      null,
      'page',
    );

  const data: unknown[] = [];
  let bucketStart = first;
  while (bucketStart < until && data.length < limit) {
    data.push({
      object: 'bucket',
      start_time: bucketStart,
      end_time: bucketStart + DAY_SECONDS,
      results: [],
    });
    bucketStart += DAY_SECONDS;
  }
  const hasMore = bucketStart < until;
  return json(200, {
    object: 'page',
    data,
    has_more: hasMore,
    next_page: hasMore
      ? Buffer.from(String(bucketStart)).toString('base64url')
      : null,
  });
}
