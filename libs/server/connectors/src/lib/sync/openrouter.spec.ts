import {
  createSyncConnector,
  OpenRouterSyncConnector,
  SyncError,
  type SyncConnectorOptions,
} from '../../index';
import {
  defaultTestOrganisation,
  startProviderTestServer,
  TEST_KEYS,
  type ProviderTestServer,
  type SyntheticUsage,
} from '../../testing';

// The OpenRouter connector over real HTTP against the local test server.

const NOW = new Date('2026-11-24T10:30:00Z');
const now = () => NOW;
const sleep = async () => undefined;

let server: ProviderTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(usage?: SyntheticUsage): Promise<ProviderTestServer> {
  const organisation = defaultTestOrganisation('openrouter');
  server = await startProviderTestServer({
    provider: 'openrouter',
    organisation: usage ? { ...organisation, usage } : organisation,
    now,
  });
  return server;
}

function connector(options: SyncConnectorOptions = {}, credential: string | null = TEST_KEYS.openrouter.management): OpenRouterSyncConnector {
  if (!server) throw new Error('no server');
  return createSyncConnector(
    'openrouter',
    { workspaceId: 'ws_test', accountId: 'acct_openrouter', credential, baseUrl: server.baseUrl },
    { now, sleep, ...options },
  );
}

async function syncError(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error('expected a SyncError');
}

const WORKED: SyntheticUsage = {
  seed: 'worked',
  noise: 0,
  weekendFactor: 1,
  openrouter: [
    {
      model: 'openai/gpt-4.1',
      model_permaslug: 'openai/gpt-4.1-2025-04-14',
      provider_name: 'OpenAI',
      endpoint_id: 'e1',
      daily: { prompt_tokens: 1000, completion_tokens: 200, reasoning_tokens: 0, requests: 3 },
      usdPerPromptToken: '0.000002',
      usdPerCompletionToken: '0.000008',
    },
    {
      model: 'anthropic/claude-sonnet-4',
      model_permaslug: 'anthropic/claude-4-sonnet-20250522',
      provider_name: 'Anthropic',
      endpoint_id: 'e2',
      daily: { prompt_tokens: 1000, completion_tokens: 100, reasoning_tokens: 0, requests: 2 },
      usdPerPromptToken: '0.000003',
      usdPerCompletionToken: '0.000015',
    },
    {
      model: 'anthropic/claude-sonnet-4',
      model_permaslug: 'anthropic/claude-4-sonnet-20250522',
      provider_name: 'Amazon Bedrock',
      endpoint_id: 'e3',
      daily: { prompt_tokens: 500, completion_tokens: 50, reasoning_tokens: 0, requests: 1 },
      usdPerPromptToken: '0.000003',
      usdPerCompletionToken: '0.000015',
    },
    {
      model: 'deepseek/deepseek-r1',
      model_permaslug: 'deepseek/deepseek-r1',
      provider_name: 'DeepInfra',
      endpoint_id: 'e4',
      daily: { prompt_tokens: 400, completion_tokens: 300, reasoning_tokens: 200, requests: 1 },
      usdPerPromptToken: '0.0000004',
      usdPerCompletionToken: '0.000002',
    },
  ],
  openrouterCredits: { totalCredits: '100.123456789012345678', totalUsage: '25.75' },
};

describe('OpenRouterSyncConnector', () => {
  it('maps activity rows: endpoints of one model summed, reasoning split out of completion, usage as reported cost', async () => {
    await start(WORKED);
    const result = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    const obs = new Map(result.usage.map((e) => [e.data.requestType, e.data]));
    expect([...obs.keys()].sort()).toEqual([
      'openrouter|anthropic/claude-sonnet-4|chat/completions',
      'openrouter|deepseek/deepseek-r1|chat/completions',
      'openrouter|openai/gpt-4.1|chat/completions',
    ]);
    expect(obs.get('openrouter|openai/gpt-4.1|chat/completions')).toMatchObject({
      tokens: { inputUncached: 1000, output: 200, reasoning: 0 },
      units: { requests: 3 },
      reportedCost: { amount: '0.0036', currency: 'USD' }, // 1000 × 0.000002 + 200 × 0.000008
    });
    const sonnet = obs.get('openrouter|anthropic/claude-sonnet-4|chat/completions');
    expect(sonnet).toMatchObject({ tokens: { inputUncached: 1500, output: 150 }, units: { requests: 3 }, reportedCost: { amount: '0.00675' } });
    expect((sonnet?.raw as { rows: { provider_name: string }[] }).rows.map((r) => r.provider_name).sort()).toEqual(['Amazon Bedrock', 'Anthropic']);
    expect(obs.get('openrouter|deepseek/deepseek-r1|chat/completions')?.tokens).toMatchObject({ inputUncached: 400, output: 100, reasoning: 200 });

    expect(Object.fromEntries(result.costs.map((e) => [e.data.lineItem, e.data.amount]))).toEqual({
      'openrouter|anthropic/claude-sonnet-4': '0.00675',
      'openrouter|deepseek/deepseek-r1': '0.00076',
      'openrouter|openai/gpt-4.1': '0.0036',
    });
    expect(server?.requests.map((r) => [r.path, r.query])).toEqual([['/api/v1/activity', {}]]);
  });

  it('reads only the last 30 completed days and says which days it could not read', async () => {
    await start();
    const result = await connector().sync({ from: '2026-10-01', to: '2026-11-30' });
    expect(result.days).toHaveLength(30);
    expect(result.days[0]).toBe('2026-10-25');
    expect(result.days[29]).toBe('2026-11-23');
    expect(result.pendingDays).toEqual(['2026-11-23']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'unavailable_days', message: expect.stringContaining('25 days (2026-10-01 … 2026-11-24)') }),
    ]);
    expect(new Set(result.usage.map((e) => e.data.day)).size).toBe(30);
    expect(result.usage.filter((e) => e.data.day < '2026-10-25')).toEqual([]);
  });

  it('reads nothing for a range OpenRouter no longer serves', async () => {
    await start();
    const result = await connector().sync({ from: '2026-09-01', to: '2026-09-30' });
    expect(result.usage).toEqual([]);
    expect(server?.requests).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['unavailable_days']);
  });

  it('exposes the credit balance exactly (not a ledger event)', async () => {
    await start(WORKED);
    await expect(connector().credits()).resolves.toEqual({
      totalCredits: '100.123456789012345678',
      totalUsage: '25.75',
      remaining: '74.373456789012345678',
      currency: 'USD',
      observedAt: '2026-11-24T10:30:00.000Z',
    });
  });

  it('a changed /credits answer is a schema change naming the field, and says only the balance was lost', async () => {
    await start(WORKED);
    server?.setFault({ kind: 'wrong_type', field: 'total_usage' }, { path: '/api/v1/credits' });
    const wrong = await syncError(connector().credits());
    expect(wrong).toMatchObject({
      category: 'provider_schema_changed',
      code: 'wrong_type',
      fieldPath: 'data.total_usage',
      endpoint: 'GET /api/v1/credits',
      httpStatus: 200,
    });
    expect(wrong.message).toMatch(/^OpenRouter's \/credits answered in a shape we do not know: .*total_usage.*the balance was not read\.$/);
  });

  it('an inference key is refused (permission), for activity and credits', async () => {
    await start();
    const activity = await syncError(connector({}, TEST_KEYS.openrouter.inference).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(activity).toMatchObject({ category: 'permission', httpStatus: 403 });
    const credits = await syncError(connector({}, TEST_KEYS.openrouter.inference).credits());
    expect(credits).toMatchObject({ category: 'permission', httpStatus: 403, endpoint: 'GET /api/v1/credits' });
    const auth = await syncError(connector({}, 'sk-or-v1-nope').sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(auth).toMatchObject({ category: 'auth', httpStatus: 401 });
  });

  it('usage sent as a string is a schema change at data[i].usage; a renamed field names its path', async () => {
    await start(WORKED);
    server?.setFault({ kind: 'wrong_type', field: 'usage' });
    const wrong = await syncError(connector().sync({ from: '2026-11-20', to: '2026-11-23' }));
    expect(wrong).toMatchObject({ category: 'provider_schema_changed', code: 'wrong_type', fieldPath: 'data[0].usage' });
    server?.setFault({ kind: 'rename_field', from: 'prompt_tokens', to: 'input_tokens' });
    const renamed = await syncError(connector().sync({ from: '2026-11-20', to: '2026-11-23' }));
    expect(renamed).toMatchObject({ code: 'missing_field', fieldPath: 'data[0].prompt_tokens' });
  });

  it('recovers from a 5xx burst and waits out 429s', async () => {
    await start();
    server?.setFault({ kind: 'server_error', status: 502 }, { times: 2 });
    server?.setFault({ kind: 'rate_limit', retryAfterSeconds: 2 });
    const result = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(result.usage.length).toBeGreaterThan(0);
    expect(result.stats.requests).toBe(4);
  });
});
