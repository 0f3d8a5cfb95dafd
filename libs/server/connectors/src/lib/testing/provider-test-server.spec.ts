import {
  defaultTestOrganisation,
  startProviderTestServer,
  TEST_KEYS,
  TEST_SERVER_PROVIDERS,
  type ProviderTestServer,
} from '../../testing';

// The test server itself: it must speak the providers' documented behaviour, or tests against it prove nothing.

const NOW = new Date('2026-11-24T10:30:00Z');
const now = () => NOW;
const DAY = 86_400;
const NOV_20 = Date.UTC(2026, 10, 20) / 1000;

let server: ProviderTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  if (!server) throw new Error('no server');
  const response = await fetch(server.baseUrl + path, { headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

const openaiAdmin = { authorization: `Bearer ${TEST_KEYS.openai.admin}` };

describe('startProviderTestServer', () => {
  it('starts for every provider on 127.0.0.1 with a random port', async () => {
    for (const provider of TEST_SERVER_PROVIDERS) {
      const started = await startProviderTestServer({ provider });
      expect(started.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.apiBaseUrl.startsWith(started.baseUrl)).toBe(true);
      await started.close();
    }
  });

  it('logs requests with every credential redacted, and which kind of key was used', async () => {
    server = await startProviderTestServer({ provider: 'gemini', now });
    await get(`/v1beta/models?pageSize=1&key=${TEST_KEYS.gemini.valid}`);
    await get('/v1beta/models', {
      'x-goog-api-key': 'AIzaSyUnknown000000000000000',
    });
    await get('/v1beta/models');
    expect(server.requests.map((r) => [r.path, r.credential])).toEqual([
      ['/v1beta/models', 'api'],
      ['/v1beta/models', 'unknown'],
      ['/v1beta/models', 'none'],
    ]);
    expect(server.requests[0].query).toEqual({
      pageSize: ['1'],
      key: ['[redacted]'],
    });
    expect(server.requests[1].headers['x-goog-api-key']).toBe('[redacted]');
    expect(JSON.stringify(server.requests)).not.toContain(
      TEST_KEYS.gemini.valid,
    );
  });

  describe('OpenAI', () => {
    beforeEach(async () => {
      server = await startProviderTestServer({ provider: 'openai', now });
    });

    it('answers the Costs API in its documented page/bucket shape, with cursor pagination', async () => {
      const first = await get(
        `/v1/organization/costs?start_time=${NOV_20 + 3600}&limit=2`,
        openaiAdmin,
      );
      expect(first).toMatchObject({
        status: 200,
        body: {
          object: 'page',
          data: [
            {
              object: 'bucket',
              start_time: NOV_20,
              end_time: NOV_20 + DAY,
              results: expect.any(Array),
            },
            {
              object: 'bucket',
              start_time: NOV_20 + DAY,
              end_time: NOV_20 + 2 * DAY,
              results: expect.any(Array),
            },
          ],
          has_more: true,
          next_page: expect.any(String),
        },
      });
      const cursor = (first.body as { next_page: string }).next_page;
      const second = await get(
        `/v1/organization/costs?start_time=${NOV_20}&limit=7&page=${cursor}`,
        openaiAdmin,
      );
      // Nov 22, 23 and the running Nov 24 remain.
      expect(second.body).toMatchObject({ has_more: false, next_page: null });
      expect((second.body as { data: unknown[] }).data).toHaveLength(3);
    });

    it('validates parameters like OpenAI', async () => {
      expect((await get('/v1/organization/costs', openaiAdmin)).body).toEqual({
        error: {
          message: "Missing required parameter: 'start_time'.",
          type: 'invalid_request_error',
          param: 'start_time',
          code: null,
        },
      });
      expect(
        (
          await get(
            `/v1/organization/costs?start_time=${NOV_20}&limit=181`,
            openaiAdmin,
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await get(
            `/v1/organization/costs?start_time=${NOV_20}&bucket_width=1h`,
            openaiAdmin,
          )
        ).status,
      ).toBe(400);
    });

    it('401 for unknown keys (masked like OpenAI), 403 for project keys, 401 "Missing scopes" for restricted Admin keys', async () => {
      const path = `/v1/organization/costs?start_time=${NOV_20}`;
      const unknown = await get(path, {
        authorization: 'Bearer sk-admin-nope00000000000000000000',
      });
      expect(unknown).toMatchObject({
        status: 401,
        body: {
          error: { type: 'invalid_request_error', code: 'invalid_api_key' },
        },
      });
      expect(JSON.stringify(unknown.body)).not.toContain(
        'sk-admin-nope00000000000000000000',
      );
      expect(await get(path)).toMatchObject({
        status: 401,
        body: { error: { code: null } },
      });
      const project = await get(path, {
        authorization: `Bearer ${TEST_KEYS.openai.project}`,
      });
      expect(project).toMatchObject({
        status: 403,
        body: {
          error: {
            message: expect.stringContaining('Missing scopes: api.usage.read'),
          },
        },
      });
      const restricted = await get(path, {
        authorization: `Bearer ${TEST_KEYS.openai.restrictedAdmin}`,
      });
      expect(restricted).toMatchObject({
        status: 401,
        body: { error: { message: expect.stringContaining('Missing scopes') } },
      });
    });

    it('unknown paths get 404 in the provider shape', async () => {
      expect(await get('/v1/nope', openaiAdmin)).toMatchObject({
        status: 404,
        body: {
          error: {
            message: 'Invalid URL (GET /v1/nope)',
            type: 'invalid_request_error',
          },
        },
      });
    });
  });

  describe('faults', () => {
    beforeEach(async () => {
      server = await startProviderTestServer({ provider: 'openrouter', now });
    });
    const activity = '/api/v1/activity';
    const management = {
      authorization: `Bearer ${TEST_KEYS.openrouter.management}`,
    };

    it('apply to the next N requests, in the order they were set, then stop', async () => {
      server?.setFault(
        { kind: 'rate_limit', retryAfterSeconds: 12 },
        { times: 2 },
      );
      server?.setFault({ kind: 'server_error', status: 503 });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const answer = await get(activity, management);
        statuses.push(answer.status);
        retryAfter ??= answer.headers.get('retry-after');
      }
      expect(statuses).toEqual([429, 429, 503, 200]);
      expect(retryAfter).toBe('12');
      expect(server?.requests.map((r) => r.fault)).toEqual([
        'rate_limit',
        'rate_limit',
        'server_error',
        null,
      ]);
    });

    it('can target a path, and be cleared', async () => {
      server?.setFault(
        { kind: 'server_error' },
        { path: '/api/v1/other', times: Infinity },
      );
      expect((await get(activity, management)).status).toBe(200);
      server?.setFault({ kind: 'server_error' }, { times: Infinity });
      server?.clearFaults();
      expect((await get(activity, management)).status).toBe(200);
    });

    it('answers 429/5xx in the provider error shape', async () => {
      server?.setFault({ kind: 'rate_limit' });
      expect((await get(activity, management)).body).toEqual({
        error: { code: 429, message: 'Rate limit exceeded' },
      });
    });

    it('resets the connection', async () => {
      server?.setFault({ kind: 'reset' });
      await expect(get(activity, management)).rejects.toThrow('fetch failed');
    });

    it('hangs until the client gives up, and close() does not wait for hung requests', async () => {
      server?.setFault({ kind: 'hang' });
      const hung = fetch(`${server?.baseUrl}${activity}`, {
        headers: management,
        signal: AbortSignal.timeout(150),
      });
      await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
      server?.setFault({ kind: 'hang' });
      void fetch(`${server?.baseUrl}${activity}`, {
        headers: management,
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await server?.close();
      server = undefined;
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });

  it('Anthropic requires anthropic-version and answers in its error shape', async () => {
    server = await startProviderTestServer({ provider: 'anthropic', now });
    const path =
      '/v1/organizations/cost_report?starting_at=2026-11-20T00:00:00Z&limit=1';
    const withoutVersion = await get(path, {
      'x-api-key': TEST_KEYS.anthropic.admin,
    });
    expect(withoutVersion).toMatchObject({
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error' },
        request_id: expect.stringMatching(/^req_/),
      },
    });
    const ok = await get(path, {
      'x-api-key': TEST_KEYS.anthropic.admin,
      'anthropic-version': '2023-06-01',
    });
    expect(ok.body).toEqual({
      data: [
        {
          starting_at: '2026-11-20T00:00:00Z',
          ending_at: '2026-11-21T00:00:00Z',
          results: expect.any(Array),
        },
      ],
      has_more: true,
      next_page: expect.stringMatching(/^page_/),
    });
    const standard = await get(path, {
      'x-api-key': TEST_KEYS.anthropic.standard,
      'anthropic-version': '2023-06-01',
    });
    expect(standard).toMatchObject({
      status: 403,
      body: { type: 'error', error: { type: 'permission_error' } },
    });
  });

  it('OpenRouter only serves the last 30 completed days', async () => {
    server = await startProviderTestServer({ provider: 'openrouter', now });
    const management = {
      authorization: `Bearer ${TEST_KEYS.openrouter.management}`,
    };
    expect(
      (await get('/api/v1/activity?date=2026-11-23', management)).status,
    ).toBe(200);
    expect(
      (await get('/api/v1/activity?date=2026-11-24', management)).status,
    ).toBe(400);
    expect(
      (await get('/api/v1/activity?date=2026-10-01', management)).status,
    ).toBe(400);
  });

  it('accepts a custom organisation, including anonymous access', async () => {
    server = await startProviderTestServer({
      provider: 'custom',
      organisation: {
        ...defaultTestOrganisation('custom'),
        keys: [],
        allowAnonymous: true,
      },
    });
    expect(await get('/v1/models')).toMatchObject({
      status: 200,
      body: { object: 'list', data: [{ id: 'local-model' }] },
    });
    expect(
      (await get('/v1/models', { authorization: 'Bearer sk-anything-0000' }))
        .status,
    ).toBe(401);
  });
});
