import type { ProviderRouteModule, Reply, RouteContext } from '../route-module';
import { bearerToken, json } from '../route-module';

/**
 * OpenRouter (`data/openrouter-openapi.yaml`): Bearer key; errors are `{"error":{"code","message"}}`.
 * `/activity` needs a Management key: inference keys get 403 "Only management keys can perform this operation".
 */
export function openrouterError(status: number, message: string): Reply {
  return json(status, { error: { code: status, message } });
}

export const openrouterRoutes: ProviderRouteModule = {
  provider: 'openrouter',
  apiPrefix: '/api/v1',
  readCredential: bearerToken,
  routes: [
    {
      method: 'GET',
      path: '/api/v1/activity',
      scope: 'management',
      handle: activity,
    },
  ],
  replies: {
    unauthenticated: (presented) =>
      openrouterError(
        401,
        presented === null
          ? 'Missing Authentication header'
          : 'User not found.',
      ),
    forbidden: () =>
      openrouterError(403, 'Only management keys can perform this operation'),
    rateLimited: () => openrouterError(429, 'Rate limit exceeded'),
    serverError: (status) => openrouterError(status, 'Internal Server Error'),
    notFound: () => openrouterError(404, 'Resource not found'),
  },
};

const DAY_MS = 86_400_000;

/** `GET /activity`: the last 30 completed UTC days; `date` must be one of them. No rows until the organisation has some. */
function activity({ request, now }: RouteContext): Reply {
  const date = request.url.searchParams.get('date');
  if (date !== null) {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(date)
      ? Date.parse(`${date}T00:00:00Z`)
      : Number.NaN;
    const today = Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth(),
      now.getUTCDate(),
    );
    if (Number.isNaN(day) || day >= today || day < today - 30 * DAY_MS) {
      return openrouterError(
        400,
        'Date must be within the last 30 (completed) UTC days',
      );
    }
  }
  return json(200, { data: [] });
}
