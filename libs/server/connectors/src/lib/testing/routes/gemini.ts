import type { ProviderRouteModule, Reply, RouteContext } from '../route-module';
import { headerValue, intParam, json } from '../route-module';

/**
 * Gemini (Google API conventions): key in `x-goog-api-key` (or `?key=`); errors are
 * `{"error":{"code","message","status","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason",…}]}}`.
 * An unknown key is 400 INVALID_ARGUMENT / API_KEY_INVALID; no key at all is 403; 429 carries a `RetryInfo`.
 */
const SERVICE = 'generativelanguage.googleapis.com';

function googleError(
  code: number,
  status: string,
  message: string,
  details: unknown[] = [],
): Reply {
  return json(code, {
    error: {
      code,
      message,
      status,
      ...(details.length > 0 ? { details } : {}),
    },
  });
}

function errorInfo(reason: string): unknown {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain: 'googleapis.com',
    metadata: { service: SERVICE },
  };
}

const MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite'];

function listModels(version: 'v1' | 'v1beta') {
  return ({ request }: RouteContext): Reply => {
    const pageSize = intParam(request.url, 'pageSize') ?? 50;
    if (pageSize === 'invalid' || pageSize < 0)
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid page size.');
    const token = request.url.searchParams.get('pageToken');
    const offset =
      token === null ? 0 : Number(Buffer.from(token, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0)
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid page token.');
    const size = pageSize === 0 ? 50 : Math.min(pageSize, 1000);
    const page = MODELS.slice(offset, offset + size);
    const next =
      offset + size < MODELS.length
        ? Buffer.from(String(offset + size)).toString('base64url')
        : undefined;
    return json(200, {
      models: page.map((id) => ({
        name: `models/${id}`,
        version: version === 'v1' ? '001' : '2.5',
        displayName: id,
        inputTokenLimit: 1_048_576,
        outputTokenLimit: 65_536,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      })),
      ...(next ? { nextPageToken: next } : {}),
    });
  };
}

export const geminiRoutes: ProviderRouteModule = {
  provider: 'gemini',
  apiPrefix: '/v1beta',
  readCredential: (request) =>
    headerValue(request, 'x-goog-api-key') ??
    request.url.searchParams.get('key'),
  routes: [
    {
      method: 'GET',
      path: '/v1beta/models',
      scope: 'generativelanguage',
      handle: listModels('v1beta'),
    },
    {
      method: 'GET',
      path: '/v1/models',
      scope: 'generativelanguage',
      handle: listModels('v1'),
    },
  ],
  replies: {
    unauthenticated: (presented) =>
      presented === null
        ? googleError(
            403,
            'PERMISSION_DENIED',
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
          )
        : googleError(
            400,
            'INVALID_ARGUMENT',
            'API key not valid. Please pass a valid API key.',
            [
              errorInfo('API_KEY_INVALID'),
              {
                '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
                locale: 'en-US',
                message: 'API key not valid. Please pass a valid API key.',
              },
            ],
          ),
    forbidden: () =>
      googleError(
        403,
        'PERMISSION_DENIED',
        `Requests to this API ${SERVICE} method google.ai.generativelanguage.v1beta.ModelService.ListModels are blocked.`,
        [errorInfo('API_KEY_SERVICE_BLOCKED')],
      ),
    rateLimited: (retryAfterSeconds) =>
      googleError(
        429,
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details.',
        retryAfterSeconds === null
          ? []
          : [
              {
                '@type': 'type.googleapis.com/google.rpc.RetryInfo',
                retryDelay: `${retryAfterSeconds}s`,
              },
            ],
      ),
    serverError: (status) =>
      status === 503
        ? googleError(
            503,
            'UNAVAILABLE',
            'The model is overloaded. Please try again later.',
          )
        : googleError(
            status,
            'INTERNAL',
            'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
          ),
    notFound: (request) =>
      googleError(
        404,
        'NOT_FOUND',
        `Method not found: ${request.url.pathname}`,
      ),
  },
};
