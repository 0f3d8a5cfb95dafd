import type {
  ProviderRouteModule,
  ProviderReplies,
  Reply,
} from '../route-module';
import { bearerToken, json } from '../route-module';
import { openaiError } from './openai';

/** OpenAI-compatible inference APIs that we only test through `GET <prefix>/models`. */
function modelsModule(
  provider: 'groq' | 'mistral' | 'custom',
  apiPrefix: string,
  ownedBy: string,
  models: readonly string[],
  replies: ProviderReplies,
): ProviderRouteModule {
  return {
    provider,
    apiPrefix,
    readCredential: bearerToken,
    routes: [
      {
        method: 'GET',
        path: `${apiPrefix}/models`,
        scope: 'inference',
        handle: () =>
          json(200, {
            object: 'list',
            data: models.map((id) => ({
              id,
              object: 'model',
              created: 1_735_689_600,
              owned_by: ownedBy,
            })),
          }),
      },
    ],
    replies,
  };
}

/** Groq and most self-hosted servers (vLLM, LiteLLM) answer in OpenAI's error shape. */
function openaiStyleReplies(invalidKeyMessage: string): ProviderReplies {
  return {
    unauthenticated: () =>
      openaiError(
        401,
        invalidKeyMessage,
        'invalid_request_error',
        'invalid_api_key',
      ),
    forbidden: () =>
      openaiError(
        403,
        'Permission denied for this resource.',
        'permission_error',
      ),
    rateLimited: () =>
      openaiError(
        429,
        'Rate limit reached for requests. Please try again later.',
        'requests',
        'rate_limit_exceeded',
      ),
    serverError: (status) =>
      openaiError(status, 'Service Unavailable', 'internal_server_error'),
    notFound: (request) =>
      openaiError(
        404,
        `Unknown request URL: ${request.method} ${request.url.pathname}.`,
        'invalid_request_error',
        'unknown_url',
      ),
  };
}

export const groqRoutes = modelsModule(
  'groq',
  '/openai/v1',
  'Meta',
  ['llama-3.3-70b-versatile', 'openai/gpt-oss-120b'],
  openaiStyleReplies('Invalid API Key'),
);

/** Mistral's errors are flat: `{"message", "request_id"}` (`{"detail"}` for validation). */
function mistralError(status: number, message: string): Reply {
  return json(status, {
    message,
    request_id: `test${status}${Date.now().toString(16)}`,
  });
}

export const mistralRoutes = modelsModule(
  'mistral',
  '/v1',
  'mistralai',
  ['mistral-large-latest', 'mistral-small-latest'],
  {
    unauthenticated: () => mistralError(401, 'Unauthorized'),
    forbidden: () => mistralError(403, 'Forbidden'),
    rateLimited: () => mistralError(429, 'Requests rate limit exceeded'),
    serverError: (status) => mistralError(status, 'Internal server error'),
    notFound: () => json(404, { detail: 'Not Found' }),
  },
);

export const customRoutes = modelsModule(
  'custom',
  '/v1',
  'local',
  ['local-model'],
  openaiStyleReplies('Invalid API key.'),
);
