import fc from 'fast-check';
import { acceptedFormats, contextTierFor, parseTimestamp, readRequestRecord } from './record';
import { sumRequests } from './totals';

const NOW = '2026-03-05T15:00:00.000Z';

function record(overrides: Record<string, unknown> = {}) {
  return {
    requestId: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    timestamp: '2026-03-05T14:07:12Z',
    usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 },
    ...overrides,
  };
}

describe('readRequestRecord', () => {
  it('validates and normalizes a record', () => {
    const result = readRequestRecord(record({ project: 'search', tags: { feature: 'autocomplete' } }), { path: 'records[0]', now: NOW });
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        requestId: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
        provider: 'openai',
        timestamp: '2026-03-05T14:07:12.000Z',
        day: '2026-03-05',
        operation: 'chat/completions',
        serviceTier: 'standard',
        contextTier: 'standard',
        project: 'search',
        tags: { feature: 'autocomplete' },
        raw: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 },
      }),
    });
  });

  it('counts a request on its UTC day, whatever offset the timestamp was written with', () => {
    const read = (timestamp: unknown) => {
      const result = readRequestRecord(record({ timestamp }), { path: 'r', now: NOW });
      return result.ok ? result.value.day : result.problems[0].message;
    };
    expect(read('2026-03-04T23:30:00-02:00')).toBe('2026-03-05');
    expect(read('2026-03-05T00:30:00+01:00')).toBe('2026-03-04');
    expect(read(1772719200)).toBe('2026-03-05'); // Unix seconds, like OpenAI's `created`
    expect(read('2026-03-05 14:07:12')).toMatch(/must be an ISO 8601 instant/);
    expect(read('2026-02-30T10:00:00Z')).toMatch(/must be an ISO 8601 instant/);
    expect(read('2026-03-05T15:06:00Z')).toMatch(/is in the future: the server's time is 2026-03-05T15:00:00.000Z/);
    expect(read('2026-03-05T15:04:00Z')).toBe('2026-03-05'); // within the tolerated clock skew
  });

  it('reports every problem with its full path', () => {
    const result = readRequestRecord(
      { requestId: '', provider: 'acme', model: 7, timestamp: 'yesterday', usage: {}, tags: { 'bad key': 'x', ok: 3 }, request_id: 'x' },
      { path: 'records[3]', now: NOW },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual([
      'records[3].request_id',
      'records[3].requestId',
      'records[3].provider',
      'records[3].model',
      'records[3].timestamp',
      'records[3].tags.bad key',
      'records[3].tags.ok',
    ]);
    expect(result.problems[0].message).toContain('records[3].request_id is not a field of a record');
  });

  it("reports problems inside usage under the record's path", () => {
    const result = readRequestRecord(record({ usage: { prompt_tokens: 5 } }), { path: 'records[7]', now: NOW });
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ path: 'records[7].usage.completion_tokens', code: 'required' })],
    });
    expect(readRequestRecord(record({ usage: undefined }), { path: 'records[7]', now: NOW })).toMatchObject({ ok: false, problems: [{ path: 'records[7].usage' }] });
  });

  it("refuses a provider the receiving account does not accept, before reading its usage", () => {
    const account = { provider: 'openai', formats: acceptedFormats('openai') };
    const result = readRequestRecord(record({ provider: 'anthropic' }), { path: 'records[2]', now: NOW, account });
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: 'records[2].provider',
          code: 'unknown_value',
          message: 'records[2].provider is "anthropic", but this ingest key is for an account of provider "openai", which accepts "openai".',
        },
      ],
    });
    expect(readRequestRecord(record(), { path: 'r', now: NOW, account }).ok).toBe(true);
  });

  it('maps service tiers as providers name them and checks them against the usage object', () => {
    const tier = (overrides: Record<string, unknown>) => {
      const result = readRequestRecord(record(overrides), { path: 'r', now: NOW });
      return result.ok ? result.value.serviceTier : result.problems[0].path;
    };
    expect(tier({ serviceTier: 'default' })).toBe('standard');
    expect(tier({ serviceTier: 'flex' })).toBe('flex');
    // OpenAI's answer for Scale Tier requests (the docs' snippet forwards completion.service_tier as it is).
    expect(tier({ serviceTier: 'scale' })).toBe('standard');
    expect(tier({ serviceTier: 'gold' })).toBe('r.serviceTier');
    const anthropic = { provider: 'anthropic', model: 'claude-sonnet-4-5', usage: { input_tokens: 1, output_tokens: 1, service_tier: 'batch' } };
    expect(tier(anthropic)).toBe('batch');
    expect(tier({ ...anthropic, serviceTier: 'priority' })).toBe('r.serviceTier');
  });

  it('decides the long-context tier from the whole input of the request', () => {
    const read = (overrides: Record<string, unknown>) => {
      const result = readRequestRecord(record(overrides), { path: 'r', now: NOW });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.value.contextTier;
    };
    const big = { input_tokens: 150_000, cache_read_input_tokens: 60_000, output_tokens: 10 };
    expect(read({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', usage: big })).toBe('long');
    expect(read({ provider: 'anthropic', model: 'claude-opus-4-1', usage: big })).toBe('standard');
    expect(read({ provider: 'anthropic', model: 'claude-sonnet-4-5', usage: big, contextTier: 'standard' })).toBe('standard');
    expect(contextTierFor('gemini', 'gemini-2.5-pro', 200_001)).toBe('long');
    expect(contextTierFor('gemini', 'gemini-2.5-flash', 900_000)).toBe('standard');
    expect(contextTierFor('gemini', 'gemini-1.5-pro-002', 128_001)).toBe('long');
  });
});

describe('parseTimestamp', () => {
  it('refuses the years before 2000 and non-instants', () => {
    expect(parseTimestamp('1999-12-31T23:59:59Z')).toBeNull();
    expect(parseTimestamp(true)).toBeNull();
    expect(parseTimestamp('2026-03-05T14:07:12.123456789Z')).toBe('2026-03-05T14:07:12.123Z');
  });
});

describe('acceptedFormats', () => {
  it('lets an account receive its own format, plus the ones its provider serves', () => {
    expect(acceptedFormats('openai')).toEqual(['openai']);
    expect(acceptedFormats('azure-openai')).toEqual(['azure-openai', 'openai']);
    expect(acceptedFormats('bedrock')).toContain('anthropic');
    expect(acceptedFormats('custom')).toContain('gemini');
  });
});

describe('sumRequests', () => {
  const request = (input: number, cost: string | null) => ({
    tokens: { inputUncached: input, inputCachedRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 1, reasoning: 0 },
    units: { requests: 1, images: 0, audioSeconds: 0, characters: 0, searchQueries: 0, webSearchCalls: 0 },
    reportedCost: cost,
  });

  it('adds counts exactly and costs with decimals', () => {
    const totals = sumRequests([request(1, '0.1'), request(2, '0.2')]);
    expect(totals).toMatchObject({ requests: 2, costSum: '0.3', reportedCost: '0.3', tokens: { inputUncached: 3, output: 2 }, units: { requests: 2 } });
  });

  it('leaves the billed cost out when some requests carry none', () => {
    expect(sumRequests([request(1, '0.1'), request(2, null)])).toMatchObject({ costedRequests: 1, costSum: '0.1', reportedCost: null });
    expect(sumRequests([])).toMatchObject({ requests: 0, reportedCost: null });
  });

  it('does not depend on order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1_000_000), fc.option(fc.integer({ min: 0, max: 10 ** 9 }).map((n) => `0.${String(n).padStart(9, '0')}`))), { maxLength: 30 }), (rows) => {
        const requests = rows.map(([input, cost]) => request(input, cost));
        expect(sumRequests([...requests].reverse())).toEqual(sumRequests(requests));
      }),
    );
  });
});
