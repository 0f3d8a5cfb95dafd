import type { UsageObserved } from '@act/domain/usage';
import {
  OpenAiSyncConnector,
  SyncError,
  type OpenAiSyncOptions,
  type SyncProgress,
} from '../../index';
import {
  defaultTestOrganisation,
  startProviderTestServer,
  TEST_KEYS,
  type OpenAiSeries,
  type ProviderTestServer,
  type SyntheticUsage,
} from '../../testing';

// The OpenAI connector over real HTTP against the local test server: mapping, pagination, retries, errors.

const WS = 'ws_test';
const ACC = 'acct_openai';
let clock = new Date('2026-11-24T10:30:00Z');
const now = () => clock;
let sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};

let server: ProviderTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  clock = new Date('2026-11-24T10:30:00Z');
  sleeps = [];
});

async function start(usage?: SyntheticUsage, pageSize?: number): Promise<ProviderTestServer> {
  const organisation = defaultTestOrganisation('openai');
  server = await startProviderTestServer({
    provider: 'openai',
    organisation: usage ? { ...organisation, usage } : organisation,
    now,
    ...(pageSize ? { pageSize } : {}),
  });
  return server;
}

function connector(options: OpenAiSyncOptions = {}, credential: string | null = TEST_KEYS.openai.admin): OpenAiSyncConnector {
  if (!server) throw new Error('no server');
  return new OpenAiSyncConnector(
    { workspaceId: WS, accountId: ACC, credential, baseUrl: server.baseUrl },
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

function expectNoSecret(error: SyncError, secret: string): void {
  expect(error.message).not.toContain(secret);
  expect(JSON.stringify(error)).not.toContain(secret);
  expect(String(error.stack)).not.toContain(secret);
}

const MINI = 'gpt-4o-mini-2024-07-18';

/** Flat numbers (no noise, no weekend dip): a complete day is exactly these numbers. */
const WORKED: SyntheticUsage = {
  seed: 'worked',
  noise: 0,
  weekendFactor: 1,
  openai: [
    {
      endpoint: 'completions',
      project_id: 'proj_a',
      model: MINI,
      batch: false,
      service_tier: 'default',
      daily: { input_uncached_tokens: 500, input_cached_tokens: 400, input_cache_write_tokens: 100, output_tokens: 500, num_model_requests: 5 },
      costs: [
        { lineItem: `${MINI}, input`, metric: 'input_uncached_tokens', usdPerUnit: '0.00000015' },
        { lineItem: `${MINI}, cached input`, metric: 'input_cached_tokens', usdPerUnit: '0.000000075' },
        { lineItem: `${MINI}, output`, metric: 'output_tokens', usdPerUnit: '0.0000006' },
      ],
    },
    {
      // `auto` bills like `default`: both rows land on one key and are summed.
      endpoint: 'completions',
      project_id: 'proj_a',
      model: MINI,
      batch: false,
      service_tier: 'auto',
      daily: { input_uncached_tokens: 20, input_cached_tokens: 0, input_cache_write_tokens: 0, output_tokens: 10, num_model_requests: 1 },
    },
    {
      endpoint: 'completions',
      project_id: 'proj_b',
      model: MINI,
      batch: true,
      service_tier: 'default',
      daily: { input_uncached_tokens: 9000, input_cached_tokens: 0, input_cache_write_tokens: 0, output_tokens: 3000, num_model_requests: 12 },
    },
    {
      endpoint: 'completions',
      project_id: 'proj_a',
      model: 'gpt-4o-2024-08-06',
      batch: false,
      service_tier: 'priority',
      daily: { input_uncached_tokens: 300, input_cached_tokens: 200, input_cache_write_tokens: 0, output_tokens: 50, num_model_requests: 2 },
    },
    {
      endpoint: 'completions',
      project_id: 'proj_a',
      model: 'o4-mini-2025-04-16',
      batch: false,
      service_tier: 'flex',
      daily: { input_uncached_tokens: 70, input_cached_tokens: 30, input_cache_write_tokens: 0, output_tokens: 900, num_model_requests: 1 },
    },
    {
      endpoint: 'images',
      project_id: 'proj_a',
      model: 'gpt-image-1',
      size: '1024x1024',
      source: 'image.generation',
      daily: { images: 4, num_model_requests: 4 },
    },
    {
      endpoint: 'images',
      project_id: 'proj_a',
      model: 'gpt-image-1',
      size: '1024x1536',
      source: 'image.edit',
      daily: { images: 2, num_model_requests: 1 },
    },
    {
      endpoint: 'audio_transcriptions',
      project_id: 'proj_a',
      model: 'whisper-1',
      daily: { seconds: 360, num_model_requests: 3 },
    },
    {
      endpoint: 'web_search_calls',
      project_id: 'proj_a',
      model: 'gpt-4o-2024-08-06',
      context_level: 'medium',
      daily: { num_requests: 7, num_model_requests: 5 },
    },
  ],
  openaiExtraCosts: [
    // More digits than a double holds: must arrive in the ledger exactly.
    { description: 'fine-tuning training', project: 'proj_a', usd: '0.12345678901234567891', days: ['2026-11-20'] },
    { description: 'credit adjustment', usd: '-5', days: ['2026-11-20'] },
  ],
};

function byType(usage: readonly UsageObserved[], day: string): Map<string, UsageObserved> {
  return new Map(usage.filter((e) => e.data.day === day).map((e) => [e.data.requestType, e]));
}

describe('OpenAiSyncConnector: mapping (worked examples)', () => {
  it('subtracts cached and cache-write tokens from input_tokens, once', async () => {
    await start(WORKED);
    const result = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    const obs = byType(result.usage, '2026-11-20');
    const chat = obs.get(`openai|${MINI}|chat/completions|project=proj_a`);
    // default row: input 1000 = 500 uncached + 400 cached + 100 cache write; auto row: 20 uncached, summed in.
    expect(chat?.data.tokens).toEqual({ inputUncached: 520, inputCachedRead: 400, cacheWrite5m: 100, cacheWrite1h: 0, output: 510, reasoning: 0 });
    expect(chat?.data.units.requests).toBe(6);
    expect(chat?.data.raw).toEqual({
      rows: [
        expect.objectContaining({ input_tokens: 20, service_tier: 'auto' }),
        expect.objectContaining({ input_tokens: 1000, input_cached_tokens: 400, input_cache_write_tokens: 100, service_tier: 'default' }),
      ],
    });
    expect(chat?.data).toMatchObject({ source: 'usage-api', final: true, observedAt: '2026-11-24T10:30:00.000Z', workspaceId: WS, accountId: ACC });
  });

  it('maps batch → tier=batch, priority and flex tiers, projects into the key', async () => {
    await start(WORKED);
    const result = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    const types = [...byType(result.usage, '2026-11-20').keys()].sort();
    expect(types).toEqual([
      'openai|gpt-4o-2024-08-06|chat/completions|tier=priority|project=proj_a',
      'openai|gpt-4o-2024-08-06|web_search|project=proj_a',
      `openai|${MINI}|chat/completions|project=proj_a`,
      `openai|${MINI}|chat/completions|tier=batch|project=proj_b`,
      'openai|gpt-image-1|images|project=proj_a',
      'openai|o4-mini-2025-04-16|chat/completions|tier=flex|project=proj_a',
      'openai|whisper-1|audio_transcription|project=proj_a',
    ]);
    const obs = byType(result.usage, '2026-11-20');
    expect(obs.get(`openai|${MINI}|chat/completions|tier=batch|project=proj_b`)?.data.tokens.inputUncached).toBe(9000);
    // Two image sizes, one key: summed, both rows kept in raw.
    const images = obs.get('openai|gpt-image-1|images|project=proj_a');
    expect(images?.data.units).toMatchObject({ images: 6, requests: 5 });
    expect((images?.data.raw as { rows: unknown[] }).rows).toHaveLength(2);
    expect(obs.get('openai|whisper-1|audio_transcription|project=proj_a')?.data.units).toMatchObject({ audioSeconds: 360, requests: 3 });
    expect(obs.get('openai|gpt-4o-2024-08-06|web_search|project=proj_a')?.data.units).toMatchObject({ webSearchCalls: 7, requests: 5 });
  });

  it('reads the Costs API by line item and project, amounts exact from the JSON text', async () => {
    await start(WORKED);
    const result = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    const amounts = Object.fromEntries(result.costs.map((e) => [e.data.lineItem, e.data.amount]));
    expect(amounts).toEqual({
      [`openai|${MINI}, input|project=proj_a`]: '0.000075', // 500 × 0.00000015
      [`openai|${MINI}, cached input|project=proj_a`]: '0.00003', // 400 × 0.000000075
      [`openai|${MINI}, output|project=proj_a`]: '0.0003', // 500 × 0.0000006
      'openai|fine-tuning training|project=proj_a': '0.12345678901234567891',
      'openai|credit adjustment': '-5',
    });
    const fineTuning = result.costs.find((e) => e.data.lineItem.includes('fine-tuning'));
    // raw keeps the provider's number; digits a double cannot hold are kept as its text.
    expect(fineTuning?.data.raw).toMatchObject({ amount: { value: '0.12345678901234567891', currency: 'usd' }, line_item: 'fine-tuning training' });
    expect(result.costs.every((e) => e.data.currency === 'USD' && e.data.final)).toBe(true);
  });

  it('reads all ten usage endpoints and maps each to its operation', async () => {
    await start();
    const result = await connector().sync({ from: '2026-11-18', to: '2026-11-18' });
    const operations = new Set(result.usage.map((e) => `${e.data.operation}:${e.data.model}`));
    expect([...operations].sort()).toEqual([
      'audio_speech:tts-1',
      'audio_transcription:whisper-1',
      'chat/completions:gpt-4o-2024-08-06',
      'chat/completions:gpt-4o-mini-2024-07-18',
      'chat/completions:o4-mini-2025-04-16',
      'code_interpreter:code-interpreter',
      'embeddings:text-embedding-3-small',
      'file_search:file-search',
      'images:gpt-image-1',
      'moderations:omni-moderation-2024-09-26',
      'vector_stores:vector-store-storage',
      'web_search:gpt-4o-2024-08-06',
    ]);
    const paths = server?.requests.map((r) => r.path) ?? [];
    expect(new Set(paths)).toEqual(
      new Set([
        ...['completions', 'embeddings', 'moderations', 'images', 'audio_speeches', 'audio_transcriptions', 'vector_stores', 'code_interpreter_sessions', 'file_search_calls', 'web_search_calls'].map((e) => `/v1/organization/usage/${e}`),
        '/v1/organization/costs',
      ]),
    );
    const completions = server?.requests.find((r) => r.path.endsWith('/completions'));
    expect(completions?.query).toMatchObject({
      bucket_width: ['1d'],
      group_by: ['model', 'project_id', 'batch', 'service_tier'],
      start_time: [String(Date.UTC(2026, 10, 18) / 1000)],
      end_time: [String(Date.UTC(2026, 10, 19) / 1000)],
    });
    expect(result.costs.length).toBeGreaterThan(10);
    expect(result.warnings).toEqual([]);
  });
});

describe('OpenAiSyncConnector: pagination, progress, final days', () => {
  it('follows next_page to the end, reporting progress per page', async () => {
    await start(undefined, 2);
    const progress: SyncProgress[] = [];
    const result = await connector({ endpoints: ['completions'], costs: true }).sync(
      { from: '2026-11-16', to: '2026-11-24' },
      { onProgress: (p) => progress.push(p) },
    );
    // 9 days, 2 buckets per page: 5 pages per endpoint.
    expect(result.stats.pages).toBe(10);
    expect(server?.requests.filter((r) => r.path.endsWith('/completions'))).toHaveLength(5);
    expect(result.days).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']);
    expect(new Set(result.usage.map((e) => e.data.day)).size).toBe(9);
    const completions = progress.filter((p) => p.step === 'usage/completions');
    expect(completions.map((p) => [p.page, p.daysDone, p.daysTotal])).toEqual([
      [1, 2, 9],
      [2, 4, 9],
      [3, 6, 9],
      [4, 8, 9],
      [5, 9, 9],
    ]);
    expect(progress.map((p) => p.stepIndex)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(progress.every((p) => p.stepCount === 2 && p.provider === 'openai')).toBe(true);
    expect(progress[progress.length - 1].rowsTotal).toBe(result.stats.rows);
  });

  it('marks recent days pending and older ones final; caps the range at today', async () => {
    await start();
    const result = await connector({ endpoints: ['embeddings'], costs: false }).sync({ from: '2026-11-21', to: '2026-12-31' });
    expect(result.range).toEqual({ from: '2026-11-21', to: '2026-11-24' });
    expect(result.pendingDays).toEqual(['2026-11-23', '2026-11-24']);
    const finals = Object.fromEntries(result.usage.map((e) => [e.data.day, e.data.final]));
    expect(finals).toEqual({ '2026-11-21': true, '2026-11-22': true, '2026-11-23': false, '2026-11-24': false });
  });

  it('a range entirely in the future reads nothing', async () => {
    await start();
    const result = await connector().sync({ from: '2026-12-01', to: '2026-12-02' });
    expect(result.usage).toEqual([]);
    expect(server?.requests).toEqual([]);
  });

  it('refuses a malformed range', async () => {
    await start();
    await expect(connector().sync({ from: '2026-11-20', to: '2026-11-19' })).rejects.toThrow(RangeError);
    await expect(connector().sync({ from: '2026-02-30', to: '2026-03-01' })).rejects.toThrow(RangeError);
  });
});

describe('OpenAiSyncConnector: late revisions', () => {
  it('a changed day gets new observation ids, unchanged days keep theirs (re-runs are no-ops)', async () => {
    await start();
    const sync = () => connector({ endpoints: ['completions'], costs: true }).sync({ from: '2026-11-19', to: '2026-11-24' });
    const first = await sync();
    const again = await sync();
    expect(again.usage.map((e) => e.id)).toEqual(first.usage.map((e) => e.id));
    expect(again.costs.map((e) => e.id)).toEqual(first.costs.map((e) => e.id));

    // Three hours later: today grows, yesterday's late data arrives; older days are settled.
    clock = new Date('2026-11-24T13:30:00Z');
    const later = await sync();
    const ids = (events: readonly { id: string; data: { day: string } }[], day: string) =>
      events.filter((e) => e.data.day === day).map((e) => e.id).sort();
    for (const day of ['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']) {
      expect(ids(later.usage, day)).toEqual(ids(first.usage, day));
      expect(ids(later.costs, day)).toEqual(ids(first.costs, day));
    }
    for (const day of ['2026-11-23', '2026-11-24']) {
      const before = new Set(ids(first.usage, day));
      expect(ids(later.usage, day).some((id) => before.has(id))).toBe(false);
    }

    // The provider corrects an older day: only that day changes.
    server?.reviseDay('2026-11-20');
    const revised = await sync();
    expect(ids(revised.usage, '2026-11-20').some((id) => ids(later.usage, '2026-11-20').includes(id))).toBe(false);
    expect(ids(revised.costs, '2026-11-20').some((id) => ids(later.costs, '2026-11-20').includes(id))).toBe(false);
    for (const day of ['2026-11-19', '2026-11-21', '2026-11-22']) {
      expect(ids(revised.usage, day)).toEqual(ids(later.usage, day));
    }
  });

  it('a day turning final gets a new id even with the same numbers', async () => {
    await start({ ...WORKED, lateDataHours: 0 });
    const sync = () => connector({ endpoints: ['completions'], costs: false, settleHours: 12 }).sync({ from: '2026-11-23', to: '2026-11-23' });
    clock = new Date('2026-11-24T06:00:00Z');
    const pending = await sync();
    clock = new Date('2026-11-24T13:00:00Z');
    const final = await sync();
    expect(pending.usage.map((e) => e.data.tokens)).toEqual(final.usage.map((e) => e.data.tokens));
    expect(pending.usage.every((e) => !e.data.final)).toBe(true);
    expect(final.usage.every((e) => e.data.final)).toBe(true);
    expect(final.usage.map((e) => e.id)).not.toEqual(pending.usage.map((e) => e.id));
  });
});

describe('OpenAiSyncConnector: retries', () => {
  it('waits exactly what Retry-After says on 429, then continues', async () => {
    await start();
    server?.setFault({ kind: 'rate_limit', retryAfterSeconds: 7 }, { times: 2, path: '/v1/organization/usage/completions' });
    const result = await connector({ endpoints: ['completions'], costs: false }).sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(sleeps).toEqual([7000, 7000]);
    expect(result.usage.length).toBeGreaterThan(0);
    expect(result.stats.requests).toBe(3);
  });

  it('backs off exponentially with full jitter without Retry-After', async () => {
    await start();
    server?.setFault({ kind: 'rate_limit', retryAfterSeconds: null }, { times: 3 });
    await connector({ endpoints: ['completions'], costs: false, random: () => 0.5, retry: { baseDelayMs: 1000 } }).sync({ from: '2026-11-20', to: '2026-11-20' });
    // 0.5 × min(60 s, 1 s × 2^(attempt − 1))
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('does not sleep through a long Retry-After: rate_limited with retryAfterMs', async () => {
    await start();
    server?.setFault({ kind: 'rate_limit', retryAfterSeconds: 3600 });
    const error = await syncError(connector().sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'rate_limited', code: 'retry_after_too_long', retryAfterMs: 3_600_000, httpStatus: 429 });
    expect(sleeps).toEqual([]);
  });

  it('gives up after the attempt bound with rate_limited', async () => {
    await start();
    server?.setFault({ kind: 'rate_limit', retryAfterSeconds: 1 }, { times: Infinity });
    const error = await syncError(connector({ retry: { maxAttempts: 3 } }).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'rate_limited', code: 'rate_limited', attempts: 3, retryAfterMs: 1000 });
    expect(error.endpoint).toMatch(/^GET \/v1\/organization\/usage\/completions\?start_time=/);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('recovers from a burst of 5xx', async () => {
    await start();
    server?.setFault({ kind: 'server_error', status: 503 }, { times: 2 });
    server?.setFault({ kind: 'server_error', status: 500 });
    const result = await connector({ endpoints: ['completions'], costs: false }).sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(server?.requests.map((r) => r.fault)).toEqual(['server_error', 'server_error', 'server_error', null]);
    expect(result.usage.length).toBeGreaterThan(0);
  });

  it('a 5xx outage longer than the attempts is transient', async () => {
    await start();
    server?.setFault({ kind: 'server_error', status: 502 }, { times: Infinity });
    const error = await syncError(connector({ retry: { maxAttempts: 2 } }).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'transient', code: 'server_error', httpStatus: 502, attempts: 2 });
  });

  it('times out a slow answer and retries it; a hang beyond the attempts is unreachable', async () => {
    await start();
    server?.setFault({ kind: 'slow', delayMs: 400 });
    const result = await connector({ endpoints: ['embeddings'], costs: false, timeoutMs: 100 }).sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(result.usage).toHaveLength(1);
    expect(server?.requests.map((r) => r.fault)).toEqual(['slow', null]);

    server?.setFault({ kind: 'hang' }, { times: Infinity });
    const error = await syncError(connector({ timeoutMs: 100, retry: { maxAttempts: 2 } }).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'unreachable', code: 'timeout', attempts: 2 });
  });

  it('a slow answer within the time-out is simply waited for', async () => {
    await start();
    server?.setFault({ kind: 'slow', delayMs: 150 });
    const result = await connector({ endpoints: ['embeddings'], costs: false, timeoutMs: 5_000 }).sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(result.usage).toHaveLength(1);
    expect(result.stats.requests).toBe(1);
  });
});

describe('OpenAiSyncConnector: errors', () => {
  it('auth: an unknown key; permission: a project key (403) and a restricted admin key (401 "Missing scopes")', async () => {
    await start();
    const unknown = 'sk-admin-unknown000000000000000000000000000000000';
    const auth = await syncError(connector({}, unknown).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(auth).toMatchObject({ category: 'auth', code: 'invalid_key', httpStatus: 401, attempts: 1 });
    expectNoSecret(auth, unknown);
    const project = await syncError(connector({}, TEST_KEYS.openai.project).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(project).toMatchObject({ category: 'permission', code: 'insufficient_scope', httpStatus: 403 });
    expectNoSecret(project, TEST_KEYS.openai.project);
    const restricted = await syncError(connector({}, TEST_KEYS.openai.restrictedAdmin).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(restricted).toMatchObject({ category: 'permission', code: 'insufficient_scope', httpStatus: 401 });
    expectNoSecret(restricted, TEST_KEYS.openai.restrictedAdmin);
    expect(sleeps).toEqual([]);
  });

  it('no key: auth without calling anything', async () => {
    await start();
    const error = await syncError(connector({}, '  ').sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'auth', code: 'missing_credential', endpoint: null });
    expect(server?.requests).toEqual([]);
  });

  it('a renamed field fails the page with the field path', async () => {
    await start(WORKED);
    server?.setFault({ kind: 'rename_field', from: 'input_tokens', to: 'input_token_count' });
    const error = await syncError(connector().sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'provider_schema_changed', code: 'missing_field', fieldPath: 'data[0].results[0].input_tokens', httpStatus: 200 });
    expect(error.message).toContain('data[0].results[0].input_tokens is missing');
  });

  it('an amount of the wrong type (a string instead of a number) names amount.value', async () => {
    await start(WORKED);
    server?.setFault({ kind: 'wrong_type', field: 'value' }, { path: '/v1/organization/costs' });
    const error = await syncError(connector().sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'provider_schema_changed', code: 'wrong_type', fieldPath: 'data[0].results[0].amount.value' });
    expect(error.endpoint).toMatch(/^GET \/v1\/organization\/costs\?/);
  });

  it('input_tokens smaller than cached + cache-write tokens: the meaning changed, fail loudly', async () => {
    await start({
      seed: 'subtraction',
      noise: 0,
      weekendFactor: 1,
      openai: [
        {
          endpoint: 'completions',
          project_id: 'proj_a',
          model: MINI,
          batch: false,
          service_tier: 'default',
          daily: { input_uncached_tokens: 10, input_cached_tokens: 400, input_cache_write_tokens: 100, output_tokens: 5, num_model_requests: 1 },
        },
      ],
    });
    // As if input_tokens stopped including cached tokens: it now carries the uncached count only.
    server?.setFault({ kind: 'rename_field', from: 'input_uncached_tokens', to: 'input_tokens' });
    const error = await syncError(connector({ endpoints: ['completions'], costs: false }).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'provider_schema_changed', code: 'invalid_value', fieldPath: 'data[0].results[0].input_tokens' });
    expect(error.message).toContain('smaller than input_cached_tokens (400) + input_cache_write_tokens (100)');
  });

  it('a cursor that comes back stops the walk with a typed error', async () => {
    await start(undefined, 2);
    server?.setFault({ kind: 'repeat_cursor' }, { times: Infinity });
    const error = await syncError(connector({ endpoints: ['completions'], costs: false }).sync({ from: '2026-11-10', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'provider_schema_changed', code: 'repeated_cursor', fieldPath: 'next_page' });
    expect(server?.requests).toHaveLength(2);
  });

  it('unknown new fields are ignored', async () => {
    await start(WORKED);
    const plain = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    server?.setFault({ kind: 'extra_fields' }, { times: Infinity });
    const extra = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(extra.usage.map((e) => e.id)).toEqual(plain.usage.map((e) => e.id));
    expect(extra.costs.map((e) => e.id)).toEqual(plain.costs.map((e) => e.id));
  });

  it('a 200 HTML page is not data', async () => {
    await start();
    server?.setFault({ kind: 'malformed' });
    const error = await syncError(connector().sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(error).toMatchObject({ category: 'provider_schema_changed', code: 'not_json', httpStatus: 200 });
  });

  it('JSON cut off mid-answer is retried, and transient when it keeps happening (never a schema change)', async () => {
    await start();
    const plain = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    // A proxy that cuts the answer but sends a matching Content-Length, then one that drops the connection mid-body.
    server?.setFault({ kind: 'truncated', lengthMatches: true }, { path: '/v1/organization/costs' });
    server?.setFault({ kind: 'truncated' }, { path: '/v1/organization/usage/completions' });
    const recovered = await connector().sync({ from: '2026-11-20', to: '2026-11-20' });
    expect(recovered.costs.map((e) => e.id)).toEqual(plain.costs.map((e) => e.id));
    expect(recovered.usage.map((e) => e.id)).toEqual(plain.usage.map((e) => e.id));
    expect(server?.requests.filter((r) => r.fault === 'truncated')).toHaveLength(2);

    server?.setFault({ kind: 'truncated', lengthMatches: true }, { times: Infinity });
    const cut = await syncError(connector({ retry: { maxAttempts: 2 } }).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(cut).toMatchObject({ category: 'transient', code: 'truncated_answer', httpStatus: 200, attempts: 2 });
    server?.clearFaults();
    server?.setFault({ kind: 'truncated' }, { times: Infinity });
    const dropped = await syncError(connector({ retry: { maxAttempts: 2 } }).sync({ from: '2026-11-20', to: '2026-11-20' }));
    expect(dropped).toMatchObject({ category: 'transient', code: 'connection_lost', attempts: 2 });
  });

  it('nothing listening: unreachable; a wrong path: not_found', async () => {
    await start();
    const base = server?.baseUrl ?? '';
    await server?.close();
    server = undefined;
    const closed = new OpenAiSyncConnector({ workspaceId: WS, accountId: ACC, credential: TEST_KEYS.openai.admin, baseUrl: base }, { now, sleep });
    expect(await syncError(closed.sync({ from: '2026-11-20', to: '2026-11-20' }))).toMatchObject({ category: 'unreachable', code: 'network' });

    const restarted = await start();
    const wrong = new OpenAiSyncConnector({ workspaceId: WS, accountId: ACC, credential: TEST_KEYS.openai.admin, baseUrl: `${restarted.baseUrl}/proxy/v2` }, { now, sleep });
    expect(await syncError(wrong.sync({ from: '2026-11-20', to: '2026-11-20' }))).toMatchObject({ category: 'unreachable', code: 'not_found', httpStatus: 404 });
  });

  it('can be cancelled', async () => {
    await start();
    const controller = new AbortController();
    server?.setFault({ kind: 'rate_limit', retryAfterSeconds: 1 }, { times: Infinity });
    const cancelling = connector({
      sleep: async () => {
        controller.abort();
      },
    }).sync({ from: '2026-11-20', to: '2026-11-20' }, { signal: controller.signal });
    expect(await syncError(cancelling)).toMatchObject({ category: 'transient', code: 'aborted' });
  });
});

describe('OpenAiSyncConnector: default organisation sanity', () => {
  it('every series of the default organisation maps without warnings over a week', async () => {
    await start();
    const result = await connector().sync({ from: '2026-11-15', to: '2026-11-21' });
    expect(result.warnings).toEqual([]);
    expect(result.days).toHaveLength(7);
    const series: readonly OpenAiSeries[] = defaultTestOrganisation('openai').usage?.openai ?? [];
    expect(series.length).toBeGreaterThan(10);
    // 13 distinct keys per day (the two gpt-4o-mini standard rows, default and auto, share one).
    expect(result.usage.filter((e) => e.data.day === '2026-11-17')).toHaveLength(13);
  });
});
