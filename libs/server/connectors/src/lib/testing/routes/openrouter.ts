import type { ProviderRouteModule, Reply, RouteContext } from '../route-module';
import { bearerToken, json } from '../route-module';
import { openRouterActivityRows } from '../synthetic/openrouter-data';
import { jsonNumber } from '../synthetic/usage';

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
    {
      method: 'GET',
      path: '/api/v1/credits',
      scope: 'management',
      handle: credits,
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

/**
 * `GET /activity`: one row per (day, model, serving endpoint) for the last 30 completed UTC days, newest first,
 * no pagination; `date` narrows to one of those days. `usage` (USD) is a JSON number with every digit.
 */
function activity({ request, now, organisation, state }: RouteContext): Reply {
  const date = request.url.searchParams.get('date');
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (date !== null) {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(day) || day >= today || day < today - 30 * DAY_MS) {
      return openrouterError(400, 'Date must be within the last 30 (completed) UTC days');
    }
  }
  const data: unknown[] = [];
  for (let offset = 1; offset <= 30; offset++) {
    const day = new Date(today - offset * DAY_MS).toISOString().slice(0, 10);
    if (date !== null && day !== date) continue;
    for (const row of openRouterActivityRows(organisation.usage, day, now.getTime(), state.revisions.get(day) ?? 0)) {
      data.push({
        date: row.date,
        model: row.model,
        model_permaslug: row.model_permaslug,
        endpoint_id: row.endpoint_id,
        provider_name: row.provider_name,
        usage: jsonNumber(row.usage.isZero() ? '0' : row.usage.toFixed()),
        byok_usage_inference: jsonNumber(row.byok_usage_inference.isZero() ? '0' : row.byok_usage_inference.toFixed()),
        requests: row.requests,
        prompt_tokens: row.prompt_tokens,
        completion_tokens: row.completion_tokens,
        reasoning_tokens: row.reasoning_tokens,
      });
    }
  }
  return json(200, { data });
}

/** `GET /credits`: `{data:{total_credits, total_usage}}` in USD (JSON numbers). */
function credits({ organisation }: RouteContext): Reply {
  const balance = organisation.usage?.openrouterCredits ?? { totalCredits: '0', totalUsage: '0' };
  return json(200, {
    data: {
      total_credits: jsonNumber(balance.totalCredits),
      total_usage: jsonNumber(balance.totalUsage),
    },
  });
}
