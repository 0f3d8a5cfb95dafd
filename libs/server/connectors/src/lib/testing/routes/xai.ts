import type { ProviderRouteModule, Reply } from '../route-module';
import { bearerToken, json, maskKey } from '../route-module';

/**
 * xAI: Bearer key; errors are flat `{"code": <gRPC status text>, "error": <message>}`, and an unknown key is a
 * 400 ("Client specified an invalid argument"), not a 401.
 */
function xaiError(status: number, code: string, error: string): Reply {
  return json(status, { code, error });
}

export const xaiRoutes: ProviderRouteModule = {
  provider: 'xai',
  apiPrefix: '/v1',
  readCredential: bearerToken,
  routes: [
    {
      method: 'GET',
      path: '/v1/api-key',
      scope: 'inference',
      handle: ({ key, organisation }) => {
        const blocked = key?.kind === 'blocked';
        return json(200, {
          redacted_api_key: key ? `xai-...${key.value.slice(-4)}` : null,
          user_id: '00000000-0000-4000-8000-000000000001',
          name: blocked ? 'Blocked test key' : 'Test key',
          create_time: '2026-01-01T00:00:00Z',
          modify_time: '2026-01-01T00:00:00Z',
          modified_by: '00000000-0000-4000-8000-000000000001',
          team_id: organisation.id,
          acls: ['api-key:model:*', 'api-key:endpoint:*'],
          api_key_id: key ? `key-${key.value.slice(-8)}` : 'anonymous',
          team_blocked: false,
          api_key_blocked: blocked,
          api_key_disabled: false,
        });
      },
    },
  ],
  replies: {
    unauthenticated: (presented) =>
      presented === null
        ? xaiError(
            401,
            'Unauthenticated',
            'No API key provided. Pass it as a Bearer token in the Authorization header.',
          )
        : xaiError(
            400,
            'Client specified an invalid argument',
            `Incorrect API key provided: ${maskKey(presented)}. You can obtain an API key from https://console.x.ai.`,
          ),
    forbidden: () =>
      xaiError(
        403,
        'The caller does not have permission to execute the specified operation',
        'This API key may not call this endpoint.',
      ),
    rateLimited: () =>
      xaiError(
        429,
        'Some resource has been exhausted',
        'Too many requests; slow down.',
      ),
    serverError: (status) =>
      xaiError(status, 'Internal error', 'Internal server error.'),
    notFound: () =>
      xaiError(404, 'Some requested entity was not found', 'Not found.'),
  },
};
