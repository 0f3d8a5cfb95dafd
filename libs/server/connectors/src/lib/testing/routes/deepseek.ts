import type { ProviderRouteModule } from '../route-module';
import { bearerToken, json, maskKey } from '../route-module';
import { openaiError } from './openai';

/**
 * DeepSeek: Bearer key, OpenAI-shaped errors (its 401 echoes the key's tail: "Your api key: ****abcd is invalid").
 * `/user/balance` sits at the root, outside the OpenAI-compatible `/v1` alias.
 */
export const deepseekRoutes: ProviderRouteModule = {
  provider: 'deepseek',
  apiPrefix: '',
  readCredential: bearerToken,
  routes: [
    {
      method: 'GET',
      path: '/user/balance',
      scope: 'inference',
      handle: ({ organisation }) => {
        const balance = organisation.balanceUsd ?? '0.00';
        return json(200, {
          is_available: Number(balance) > 0,
          balance_infos: [
            {
              currency: 'USD',
              total_balance: balance,
              granted_balance: '0.00',
              topped_up_balance: balance,
            },
          ],
        });
      },
    },
  ],
  replies: {
    unauthenticated: (presented) =>
      openaiError(
        401,
        `Authentication Fails, Your api key: ${presented === null ? '(none)' : maskKey(presented)} is invalid`,
        'authentication_error',
        'invalid_request_error',
      ),
    forbidden: () =>
      openaiError(
        403,
        'Permission denied',
        'permission_error',
        'invalid_request_error',
      ),
    rateLimited: () =>
      openaiError(
        429,
        'Rate Limit Reached',
        'rate_limit_error',
        'invalid_request_error',
      ),
    serverError: (status) =>
      openaiError(
        status,
        status === 503 ? 'Server Overloaded' : 'Server Error',
        'server_error',
        'internal_error',
      ),
    notFound: () =>
      openaiError(
        404,
        'Not Found',
        'invalid_request_error',
        'invalid_request_error',
      ),
  },
};
