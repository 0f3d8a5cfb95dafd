import type { ProviderRouteModule, Reply } from '../route-module';
import { bearerToken, json } from '../route-module';

/** Perplexity: Bearer key (`pplx-…`); errors are `{"error":{"message","type","code"}}`. */
function perplexityError(status: number, type: string, message: string): Reply {
  return json(status, { error: { message, type, code: status } });
}

export const perplexityRoutes: ProviderRouteModule = {
  provider: 'perplexity',
  apiPrefix: '/v1',
  readCredential: bearerToken,
  routes: [
    // Lists the key's asynchronous chat completion jobs; the organisation has none yet.
    {
      method: 'GET',
      path: '/v1/async/sonar',
      scope: 'inference',
      handle: () => json(200, { requests: [], next_token: null }),
    },
  ],
  replies: {
    unauthenticated: () =>
      perplexityError(401, 'invalid_api_key', 'Invalid API key provided.'),
    forbidden: () =>
      perplexityError(
        403,
        'permission_denied',
        'This API key may not use this resource.',
      ),
    rateLimited: () =>
      perplexityError(429, 'rate_limit_exceeded', 'Too many requests.'),
    serverError: (status) =>
      perplexityError(
        status,
        'internal_server_error',
        'Internal server error.',
      ),
    notFound: () => perplexityError(404, 'not_found', 'Not Found'),
  },
};
