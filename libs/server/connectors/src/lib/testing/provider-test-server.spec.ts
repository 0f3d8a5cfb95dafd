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

describe('synthetic usage', () => {
  let clock = NOW;
  const movingNow = () => clock;
  afterEach(() => {
    clock = NOW;
  });
  const admin = openaiAdmin;
  const completions = (query: string) =>
    get(`/v1/organization/usage/completions?start_time=${NOV_20}&group_by=model&group_by=project_id&${query}`, admin);
  type Page = { data: { start_time: number; results: Record<string, unknown>[] }[]; has_more: boolean; next_page: string | null };

  it('is deterministic per seed, and differs between seeds', async () => {
    server = await startProviderTestServer({ provider: 'openai', now });
    const a = (await completions('limit=3')).body;
    await server.close();
    server = await startProviderTestServer({ provider: 'openai', now });
    expect((await completions('limit=3')).body).toEqual(a);
    await server.close();
    const other = defaultTestOrganisation('openai');
    server = await startProviderTestServer({
      provider: 'openai',
      now,
      organisation: { ...other, usage: { ...other.usage, seed: 'another' } },
    });
    expect((await completions('limit=3')).body).not.toEqual(a);
  });

  it('groups like OpenAI: without group_by one summed result per bucket, group fields null', async () => {
    server = await startProviderTestServer({ provider: 'openai', now });
    const grouped = (await completions('limit=1')).body as Page;
    const flat = (await get(`/v1/organization/usage/completions?start_time=${NOV_20}&limit=1`, admin)).body as Page;
    const sum = (rows: Record<string, unknown>[], field: string) => rows.reduce((n, r) => n + Number(r[field]), 0);
    expect(flat.data[0].results).toHaveLength(1);
    expect(flat.data[0].results[0]).toMatchObject({ model: null, project_id: null, batch: null, service_tier: null });
    expect(sum(flat.data[0].results, 'input_tokens')).toBe(sum(grouped.data[0].results, 'input_tokens'));
    expect(grouped.data[0].results.length).toBeGreaterThan(1);
    const bad = await get(`/v1/organization/usage/embeddings?start_time=${NOV_20}&group_by=batch`, admin);
    expect(bad.status).toBe(400);
  });

  it('recent days change between reads (late data); older ones do not; reviseDay changes one day', async () => {
    server = await startProviderTestServer({ provider: 'openai', now: movingNow });
    const read = async () => {
      const page = (await completions('limit=7')).body as Page;
      return Object.fromEntries(page.data.map((b) => [new Date(b.start_time * 1000).toISOString().slice(0, 10), JSON.stringify(b.results)]));
    };
    const first = await read();
    expect(Object.keys(first)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']);
    clock = new Date('2026-11-24T16:00:00Z');
    const later = await read();
    expect(later['2026-11-22']).toBe(first['2026-11-22']);
    expect(later['2026-11-23']).not.toBe(first['2026-11-23']);
    expect(later['2026-11-24']).not.toBe(first['2026-11-24']);
    server.reviseDay('2026-11-21');
    const revised = await read();
    expect(revised['2026-11-21']).not.toBe(later['2026-11-21']);
    expect(revised['2026-11-20']).toBe(later['2026-11-20']);
  });

  it('dayMultipliers scale one day (an anomaly for demos)', async () => {
    const base = defaultTestOrganisation('openrouter');
    const usage = { seed: 'flat', noise: 0, weekendFactor: 1, openrouter: base.usage?.openrouter ?? [] };
    server = await startProviderTestServer({
      provider: 'openrouter',
      now,
      organisation: { ...base, usage: { ...usage, dayMultipliers: { '2026-11-20': 4 } } },
    });
    const management = { authorization: `Bearer ${TEST_KEYS.openrouter.management}` };
    const tokens = async (date: string) =>
      ((await get(`/api/v1/activity?date=${date}`, management)).body as { data: { prompt_tokens: number }[] }).data[0].prompt_tokens;
    expect(await tokens('2026-11-20')).toBe(4 * (await tokens('2026-11-19')));
  });

  it('pages by the configured page size', async () => {
    server = await startProviderTestServer({ provider: 'openai', now, pageSize: 2 });
    const first = (await completions('limit=31')).body as Page;
    expect(first.data).toHaveLength(2);
    expect(first.next_page).toMatch(/^page_/);
    server.setPageSize(null);
    expect(((await completions('limit=31')).body as Page).data).toHaveLength(5);
  });

  it('answer faults: renamed field, wrong type, extra fields, repeated cursor, slow', async () => {
    server = await startProviderTestServer({ provider: 'openai', now, pageSize: 2 });
    server.setFault({ kind: 'rename_field', from: 'input_tokens', to: 'prompt_tokens' });
    const renamed = (await completions('limit=1')).body as Page;
    expect(renamed.data[0].results[0]).toHaveProperty('prompt_tokens');
    expect(renamed.data[0].results[0]).not.toHaveProperty('input_tokens');

    server.setFault({ kind: 'wrong_type', field: 'value' });
    const costs = (await get(`/v1/organization/costs?start_time=${NOV_20}&group_by=line_item&limit=1`, admin)).body as Page;
    expect(typeof (costs.data[0].results[0]['amount'] as { value: unknown }).value).toBe('string');

    server.setFault({ kind: 'extra_fields' });
    const extra = (await completions('limit=1')).body as Page & Record<string, unknown>;
    expect(extra['x_test_envelope_note']).toBeDefined();
    expect(extra.data[0]).toHaveProperty('x_test_new_metric', 7);

    const first = (await completions('limit=31')).body as Page;
    server.setFault({ kind: 'repeat_cursor' });
    const stuck = (await completions(`limit=31&page=${first.next_page}`)).body as Page;
    expect(stuck).toMatchObject({ has_more: true, next_page: first.next_page });

    server.setFault({ kind: 'slow', delayMs: 120 });
    const started = Date.now();
    expect((await completions('limit=1')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(server.requests.map((r) => r.fault)).toEqual(['rename_field', 'wrong_type', 'extra_fields', null, 'repeat_cursor', 'slow']);
  });

  it('Anthropic: usage report nests cache_creation; cost report amounts are cent strings', async () => {
    server = await startProviderTestServer({ provider: 'anthropic', now });
    const headers = { 'x-api-key': TEST_KEYS.anthropic.admin, 'anthropic-version': '2023-06-01' };
    const usage = (await get('/v1/organizations/usage_report/messages?starting_at=2026-11-20T00:00:00Z&limit=1&group_by[]=model', headers)).body as {
      data: { results: Record<string, unknown>[] }[];
    };
    expect(usage.data[0].results[0]).toMatchObject({
      cache_creation: { ephemeral_5m_input_tokens: expect.any(Number), ephemeral_1h_input_tokens: expect.any(Number) },
      server_tool_use: { web_search_requests: expect.any(Number) },
      model: expect.any(String),
      workspace_id: null,
    });
    const costs = (await get('/v1/organizations/cost_report?starting_at=2026-11-20T00:00:00Z&limit=1&group_by[]=description', headers)).body as {
      data: { results: Record<string, unknown>[] }[];
    };
    const lines = costs.data[0].results;
    expect(lines.every((line) => typeof line['amount'] === 'string' && line['currency'] === 'USD')).toBe(true);
    expect(lines.some((line) => line['model'] === 'claude-opus-4-1-20250805')).toBe(false);
  });

  it('OpenRouter: activity rows for completed days, and credits', async () => {
    server = await startProviderTestServer({ provider: 'openrouter', now });
    const management = { authorization: `Bearer ${TEST_KEYS.openrouter.management}` };
    const activity = (await get('/api/v1/activity', management)).body as { data: { date: string; usage: unknown }[] };
    const days = new Set(activity.data.map((row) => row.date));
    expect(days.size).toBe(30);
    expect(days.has('2026-11-24')).toBe(false);
    expect(activity.data.every((row) => typeof row.usage === 'number')).toBe(true);
    const one = (await get('/api/v1/activity?date=2026-11-20', management)).body as { data: { date: string }[] };
    expect(new Set(one.data.map((row) => row.date))).toEqual(new Set(['2026-11-20']));
    expect((await get('/api/v1/credits', management)).body).toEqual({ data: { total_credits: 250, total_usage: 187.4213 } });
  });
});
