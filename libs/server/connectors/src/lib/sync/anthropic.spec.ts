import {
  AnthropicSyncConnector,
  anthropicCentsToDollars,
  SyncError,
  type AnthropicSyncOptions,
} from '../../index';
import {
  defaultTestOrganisation,
  startProviderTestServer,
  TEST_KEYS,
  type ProviderTestServer,
  type SyntheticUsage,
} from '../../testing';

// The Anthropic connector over real HTTP against the local test server.

const NOW = new Date('2026-11-24T10:30:00Z');
const now = () => NOW;
let sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};

let server: ProviderTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  sleeps = [];
});

async function start(usage?: SyntheticUsage, pageSize?: number): Promise<ProviderTestServer> {
  const organisation = defaultTestOrganisation('anthropic');
  server = await startProviderTestServer({
    provider: 'anthropic',
    organisation: usage ? { ...organisation, usage } : organisation,
    now,
    ...(pageSize ? { pageSize } : {}),
  });
  return server;
}

function connector(options: AnthropicSyncOptions = {}, credential: string | null = TEST_KEYS.anthropic.admin): AnthropicSyncConnector {
  if (!server) throw new Error('no server');
  return new AnthropicSyncConnector(
    { workspaceId: 'ws_test', accountId: 'acct_anthropic', credential, baseUrl: server.baseUrl },
    { now, sleep, random: () => 0.5, ...options },
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

const SONNET = 'claude-sonnet-4-20250514';
const prices = { input: '0.000003', cacheRead: '0.0000003', cacheWrite5m: '0.00000375', cacheWrite1h: '0.000006', output: '0.000015', webSearch: '0.01' };
const none = { uncached_input_tokens: 0, cache_read_input_tokens: 0, ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0, output_tokens: 0, web_search_requests: 0 };

const WORKED: SyntheticUsage = {
  seed: 'worked',
  noise: 0,
  weekendFactor: 1,
  anthropic: [
    {
      model: SONNET,
      label: 'Claude Sonnet 4',
      workspace_id: 'wrkspc_a',
      service_tier: 'standard',
      context_window: '0-200k',
      daily: { uncached_input_tokens: 1000, cache_read_input_tokens: 2000, ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 40, output_tokens: 500, web_search_requests: 3 },
      prices,
    },
    {
      model: SONNET,
      label: 'Claude Sonnet 4 Batch',
      workspace_id: 'wrkspc_a',
      service_tier: 'batch',
      context_window: '0-200k',
      daily: { ...none, uncached_input_tokens: 4000, output_tokens: 800 },
      prices: { ...prices, input: '0.0000015', output: '0.0000075' },
    },
    {
      model: SONNET,
      label: 'Claude Sonnet 4 Long Context',
      workspace_id: 'wrkspc_b',
      service_tier: 'standard',
      context_window: '200k-1M',
      daily: { ...none, uncached_input_tokens: 250_000, output_tokens: 100 },
      prices: { ...prices, input: '0.000006', output: '0.0000225' },
    },
    {
      model: 'claude-3-5-haiku-20241022',
      label: 'Claude Haiku 3.5',
      workspace_id: null,
      service_tier: 'standard',
      context_window: '0-200k',
      daily: { ...none, uncached_input_tokens: 10, output_tokens: 20 },
    },
    {
      model: 'claude-opus-4-1-20250805',
      label: 'Claude Opus 4.1',
      workspace_id: 'wrkspc_a',
      service_tier: 'priority',
      context_window: '0-200k',
      daily: { ...none, uncached_input_tokens: 70, cache_read_input_tokens: 30, output_tokens: 9 },
    },
  ],
  anthropicExtraCosts: [{ description: 'Code Execution Usage', project: 'wrkspc_b', usd: '1.2345', costType: 'code_execution', days: ['2026-11-20'] }],
};

describe('anthropicCentsToDollars', () => {
  it('divides the decimal string by 100 exactly', () => {
    expect(anthropicCentsToDollars('123.45')).toBe('1.2345');
    expect(anthropicCentsToDollars('123.78912')).toBe('1.2378912');
    expect(anthropicCentsToDollars('0.3')).toBe('0.003');
    expect(anthropicCentsToDollars('7')).toBe('0.07');
    expect(anthropicCentsToDollars('-50')).toBe('-0.5');
    expect(anthropicCentsToDollars('0.000')).toBe('0');
    expect(anthropicCentsToDollars('12,5')).toBeNull();
    expect(anthropicCentsToDollars('')).toBeNull();
  });
});

describe('AnthropicSyncConnector: mapping (worked examples)', () => {
  it('maps token classes, tiers, context window and workspaces into requestTypes', async () => {
    await start(WORKED);
    const result = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    const obs = new Map(result.usage.map((e) => [e.data.requestType, e.data]));
    expect([...obs.keys()].sort()).toEqual([
      'anthropic|claude-3-5-haiku-20241022|chat/completions',
      'anthropic|claude-opus-4-1-20250805|chat/completions|tier=priority|project=wrkspc_a',
      `anthropic|${SONNET}|chat/completions|context=long|project=wrkspc_b`,
      `anthropic|${SONNET}|chat/completions|project=wrkspc_a`,
      `anthropic|${SONNET}|chat/completions|tier=batch|project=wrkspc_a`,
    ]);
    const sonnet = obs.get(`anthropic|${SONNET}|chat/completions|project=wrkspc_a`);
    expect(sonnet?.tokens).toEqual({ inputUncached: 1000, inputCachedRead: 2000, cacheWrite5m: 300, cacheWrite1h: 40, output: 500, reasoning: 0 });
    expect(sonnet?.units.webSearchCalls).toBe(3);
    expect(sonnet?.raw).toMatchObject({ cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 40 }, context_window: '0-200k' });
    expect(obs.get(`anthropic|${SONNET}|chat/completions|context=long|project=wrkspc_b`)).toMatchObject({ contextTier: 'long', tokens: { inputUncached: 250_000 } });
    expect(obs.get('anthropic|claude-3-5-haiku-20241022|chat/completions')).not.toHaveProperty('project');
    expect(result.warnings).toEqual([]);
  });

  it('turns cost-report cents into dollars, per description and workspace; Priority Tier has no billed line', async () => {
    await start(WORKED);
    const result = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    const amounts = Object.fromEntries(result.costs.map((e) => [e.data.lineItem, e.data.amount]));
    expect(amounts).toEqual({
      'anthropic|Claude Sonnet 4 Usage - Input Tokens|project=wrkspc_a': '0.003', // "0.3" cents
      'anthropic|Claude Sonnet 4 Usage - Cache Read|project=wrkspc_a': '0.0006',
      'anthropic|Claude Sonnet 4 Usage - 5m Cache Write|project=wrkspc_a': '0.001125',
      'anthropic|Claude Sonnet 4 Usage - 1h Cache Write|project=wrkspc_a': '0.00024',
      'anthropic|Claude Sonnet 4 Usage - Output Tokens|project=wrkspc_a': '0.0075',
      'anthropic|Web Search|project=wrkspc_a': '0.03', // "3" cents
      'anthropic|Claude Sonnet 4 Batch Usage - Input Tokens|project=wrkspc_a': '0.006',
      'anthropic|Claude Sonnet 4 Batch Usage - Output Tokens|project=wrkspc_a': '0.006',
      'anthropic|Claude Sonnet 4 Long Context Usage - Input Tokens|project=wrkspc_b': '1.5',
      'anthropic|Claude Sonnet 4 Long Context Usage - Output Tokens|project=wrkspc_b': '0.00225',
      'anthropic|Code Execution Usage|project=wrkspc_b': '1.2345', // "123.45" cents
    });
    const code = result.costs.find((e) => e.data.lineItem.startsWith('anthropic|Code'));
    expect(code?.data.raw).toMatchObject({ amount: '123.45', currency: 'USD', cost_type: 'code_execution' });
  });

  it('asks with group_by[], RFC 3339 bounds and the required headers', async () => {
    await start(WORKED);
    await connector().sync({ from: '2026-11-19', to: '2026-11-20' });
    const [usage, cost] = server?.requests ?? [];
    expect(usage.path).toBe('/v1/organizations/usage_report/messages');
    expect(usage.query).toEqual({
      starting_at: ['2026-11-19T00:00:00Z'],
      ending_at: ['2026-11-21T00:00:00Z'],
      bucket_width: ['1d'],
      limit: ['31'],
      'group_by[]': ['model', 'service_tier', 'context_window', 'workspace_id'],
    });
    expect(usage.headers['anthropic-version']).toBe('2023-06-01');
    expect(usage.headers['x-api-key']).toBe('[redacted]');
    expect(cost.path).toBe('/v1/organizations/cost_report');
    expect(cost.query['group_by[]']).toEqual(['workspace_id', 'description']);
  });
});

describe('AnthropicSyncConnector: pagination, revisions, faults', () => {
  it('reads every page of both reports', async () => {
    await start(undefined, 3);
    const result = await connector().sync({ from: '2026-11-10', to: '2026-11-24' });
    expect(result.stats.pages).toBe(10);
    expect(result.days).toHaveLength(15);
    expect(new Set(result.usage.map((e) => e.data.day)).size).toBe(15);
    expect(new Set(result.costs.map((e) => e.data.day)).size).toBe(15);
    expect(result.pendingDays).toEqual(['2026-11-23', '2026-11-24']);
  });

  it('a revised day changes its ids only', async () => {
    await start();
    const first = await connector().sync({ from: '2026-11-15', to: '2026-11-20' });
    server?.reviseDay('2026-11-17');
    const second = await connector().sync({ from: '2026-11-15', to: '2026-11-20' });
    const changed = new Set(
      second.usage.filter((e) => !first.usage.some((f) => f.id === e.id)).map((e) => e.data.day),
    );
    expect([...changed]).toEqual(['2026-11-17']);
    const changedCosts = new Set(second.costs.filter((e) => !first.costs.some((f) => f.id === e.id)).map((e) => e.data.day));
    expect([...changedCosts]).toEqual(['2026-11-17']);
  });

  it('recovers from 529 overloaded and 429 with retry-after', async () => {
    await start();
    server?.setFault({ kind: 'server_error', status: 529 }, { times: 2 });
    server?.setFault({ kind: 'rate_limit', retryAfterSeconds: 3 });
    const result = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(result.usage.length).toBeGreaterThan(0);
    expect(sleeps).toEqual([500, 1000, 3000]);
  });

  it('a standard (non-admin) key is a permission problem; an unknown key an auth problem', async () => {
    await start();
    const permission = await syncError(connector({}, TEST_KEYS.anthropic.standard).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(permission).toMatchObject({ category: 'permission', code: 'insufficient_scope', httpStatus: 403 });
    const unknown = 'sk-ant-admin01-unknown0000000000000000000000000000000000';
    const auth = await syncError(connector({}, unknown).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(auth).toMatchObject({ category: 'auth', code: 'invalid_key', httpStatus: 401 });
    expect(JSON.stringify(auth) + auth.message).not.toContain(unknown);
  });

  it('an amount sent as a number instead of a cents string is a schema change at results[i].amount', async () => {
    await start(WORKED);
    server?.setFault({ kind: 'wrong_type', field: 'amount' }, { path: '/v1/organizations/cost_report' });
    const error = await syncError(connector().sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'provider_schema_changed', code: 'wrong_type', fieldPath: 'data[0].results[0].amount' });
    expect(error.message).toContain('should be a decimal number written as a string');
  });

  it('a renamed token field names the path', async () => {
    await start(WORKED);
    server?.setFault({ kind: 'rename_field', from: 'ephemeral_1h_input_tokens', to: 'ephemeral_60m_input_tokens' });
    const error = await syncError(connector().sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'provider_schema_changed', code: 'missing_field', fieldPath: 'data[0].results[0].cache_creation.ephemeral_1h_input_tokens' });
  });

  it('a repeating cursor stops the walk', async () => {
    await start(undefined, 2);
    server?.setFault({ kind: 'repeat_cursor' }, { times: Infinity });
    const error = await syncError(connector().sync({ from: '2026-11-01', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'provider_schema_changed', code: 'repeated_cursor' });
  });

  it('an unknown service tier is counted as standard with a warning, not dropped', async () => {
    await start({ ...WORKED, anthropic: [{ ...(WORKED.anthropic ?? [])[0], service_tier: 'turbo' }] });
    const result = await connector({ costs: false }).sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(result.usage.map((e) => e.data.serviceTier)).toEqual(['standard']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'unknown_value', fieldPath: 'data[0].results[0].service_tier' }),
    ]);
  });

  it('unknown new fields are ignored', async () => {
    await start(WORKED);
    const plain = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    server?.setFault({ kind: 'extra_fields' }, { times: Infinity });
    const extra = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(extra.usage.map((e) => e.id)).toEqual(plain.usage.map((e) => e.id));
    expect(extra.costs.map((e) => e.id)).toEqual(plain.costs.map((e) => e.id));
  });
});
