import { readFileSync } from 'node:fs';
import Decimal from 'decimal.js';
import { parseLiteLlmCatalogue, stripProviderPrefix } from './litellm-catalogue';
import { priceSheetFromStrings, priceSheetToStrings } from './price-sheet';

const raw = JSON.parse(
  readFileSync(new URL('../../catalogue/litellm-model-prices.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown>>;
const parsed = parseLiteLlmCatalogue(raw);
const byKey = new Map(parsed.entries.map((e) => [e.key, e]));
const entry = (key: string) => {
  const found = byKey.get(key);
  if (!found) throw new Error(`no entry ${key}`);
  return found;
};
/** The catalogue's float, converted the one correct way, for comparing with the parser's Decimal. */
const json = (key: string, field: string) => new Decimal(String(raw[key][field]));

describe('parseLiteLlmCatalogue on the shipped catalogue', () => {
  it('keeps every model entry and reports the rest', () => {
    const total = Object.keys(raw).length;
    expect(total).toBeGreaterThan(2900);
    expect(parsed.entries.length + parsed.skipped.length).toBe(total);
    expect(parsed.entries.length).toBeGreaterThanOrEqual(total - 5);
    expect(parsed.skipped.map((s) => s.key).sort()).toEqual(['fallback_generalizations', 'sample_spec']);
    expect(parsed.skipped.every((s) => s.reason.length > 0)).toBe(true);
  });

  it('gpt-4o-mini: standard, cached, batch and priority prices, exact', () => {
    const e = entry('gpt-4o-mini');
    expect(e).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', mode: 'chat' });
    expect(e.prices.input?.toFixed()).toBe('0.00000015');
    expect(e.prices.output?.toFixed()).toBe('0.0000006');
    expect(e.prices.cacheRead?.toFixed()).toBe('0.000000075');
    expect(e.prices.batch?.input?.toFixed()).toBe('0.000000075');
    expect(e.prices.batch?.output?.toFixed()).toBe('0.0000003');
    expect(e.prices.priority?.input?.equals(json('gpt-4o-mini', 'input_cost_per_token_priority'))).toBe(true);
    expect(e.prices.priority?.cacheRead?.toFixed()).toBe('0.000000125');
    expect(e.prices.flex).toBeUndefined();
    expect(e.prices.cacheWrite5m).toBeUndefined();
  });

  it('gpt-4o-mini-2024-07-18: web-search prices by context size', () => {
    const s = entry('gpt-4o-mini-2024-07-18').prices.searchContextPerQuery;
    expect([s?.low?.toFixed(), s?.medium?.toFixed(), s?.high?.toFixed()]).toEqual(['0.025', '0.0275', '0.03']);
  });

  it('claude-sonnet-4-5: cache writes 5 min and 1 h, and the 200k long-context tier', () => {
    const e = entry('claude-sonnet-4-5');
    expect(e.provider).toBe('anthropic');
    const p = e.prices;
    for (const [cls, field] of [
      ['input', 'input_cost_per_token'],
      ['output', 'output_cost_per_token'],
      ['cacheRead', 'cache_read_input_token_cost'],
      ['cacheWrite5m', 'cache_creation_input_token_cost'],
      ['cacheWrite1h', 'cache_creation_input_token_cost_above_1hr'],
    ] as const) {
      expect(p[cls]?.equals(json('claude-sonnet-4-5', field))).toBe(true);
    }
    expect(p.input?.toFixed()).toBe('0.000003');
    expect(p.cacheWrite5m?.toFixed()).toBe('0.00000375');
    expect(p.cacheWrite1h?.toFixed()).toBe('0.000006');
    expect(p.longContext?.thresholdTokens).toBe(200_000);
    expect(p.longContext?.input?.toFixed()).toBe('0.000006');
    expect(p.longContext?.output?.toFixed()).toBe('0.0000225');
    expect(p.longContext?.cacheRead?.toFixed()).toBe('0.0000006');
    expect(p.longContext?.cacheWrite5m?.toFixed()).toBe('0.0000075');
    expect(p.longContext?.cacheWrite1h?.toFixed()).toBe('0.000012');
    expect(p.searchContextPerQuery?.medium?.toFixed()).toBe('0.01');
  });

  it('groq/llama-3.3-70b-versatile: provider prefix stripped, prices exact', () => {
    const e = entry('groq/llama-3.3-70b-versatile');
    expect(e).toMatchObject({ provider: 'groq', model: 'llama-3.3-70b-versatile' });
    expect(e.prices.input?.toFixed()).toBe('0.00000059');
    expect(e.prices.output?.toFixed()).toBe('0.00000079');
    expect(e.prices.cacheRead).toBeUndefined();
  });

  it('perplexity/sonar: per-query search fee by size; older online models: a per-request fee', () => {
    const e = entry('perplexity/sonar');
    expect(e).toMatchObject({ provider: 'perplexity', model: 'sonar' });
    expect(e.prices.input?.toFixed()).toBe('0.000001');
    const s = e.prices.searchContextPerQuery;
    expect([s?.low?.toFixed(), s?.medium?.toFixed(), s?.high?.toFixed()]).toEqual(['0.005', '0.008', '0.012']);
    expect(
      entry('perplexity/pplx-70b-online').prices.perRequest?.equals(
        json('perplexity/pplx-70b-online', 'input_cost_per_request'),
      ),
    ).toBe(true);
  });

  it('gpt-5: flex and priority tiers', () => {
    const p = entry('gpt-5').prices;
    expect(p.flex?.input?.toFixed()).toBe('0.000000625');
    expect(p.flex?.cacheRead?.toFixed()).toBe('0.0000000625');
    expect(p.priority?.output?.toFixed()).toBe('0.00002');
  });

  it('reasoning price, long-context priority prices and thresholds other than 200k', () => {
    const reasoning = parsed.entries.filter((e) => e.prices.reasoning !== undefined);
    expect(reasoning.length).toBeGreaterThan(20);
    const thresholds = new Set(parsed.entries.map((e) => e.prices.longContext?.thresholdTokens).filter(Boolean));
    expect([...thresholds].sort()).toEqual(expect.arrayContaining([128_000, 200_000, 272_000]));
    const withLongPriority = parsed.entries.find((e) => e.prices.longContext?.priority?.input !== undefined);
    expect(withLongPriority).toBeDefined();
  });

  it('DeepSeek: input_cost_per_token_cache_hit is the cache-read price', () => {
    expect(entry('deepseek/deepseek-chat').prices.cacheRead?.toFixed()).toBe('0.000000028');
  });

  it('non-token units: per image, per audio second, per character', () => {
    expect(entry('dall-e-3').prices.perImage?.toFixed()).toBe('0.04');
    expect(entry('whisper-1').prices.perAudioSecond?.toFixed()).toBe('0.0001');
    expect(entry('tts-1').prices.perCharacter?.toFixed()).toBe('0.000015');
  });

  it('every standard token price equals its JSON float exactly, for every entry', () => {
    const fields = {
      input: 'input_cost_per_token',
      output: 'output_cost_per_token',
      cacheRead: 'cache_read_input_token_cost',
      cacheWrite5m: 'cache_creation_input_token_cost',
      cacheWrite1h: 'cache_creation_input_token_cost_above_1hr',
      reasoning: 'output_cost_per_reasoning_token',
    } as const;
    let compared = 0;
    for (const e of parsed.entries) {
      for (const [cls, field] of Object.entries(fields) as [keyof typeof fields, string][]) {
        if (typeof raw[e.key][field] !== 'number') continue;
        expect(e.prices[cls]?.equals(json(e.key, field))).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('price sheets survive the trip through strings (as in PriceSet events) unchanged', () => {
    for (const e of parsed.entries) {
      const strings = priceSheetToStrings(e.prices);
      expect(priceSheetToStrings(priceSheetFromStrings(strings))).toEqual(strings);
    }
    expect(priceSheetToStrings(entry('claude-sonnet-4-5').prices)).toMatchObject({
      input: '0.000003',
      longContext: { thresholdTokens: 200000, input: '0.000006' },
      searchContextPerQuery: { low: '0.01', medium: '0.01', high: '0.01' },
    });
  });
});

describe('parseLiteLlmCatalogue on malformed input', () => {
  it('reports instead of throwing', () => {
    const result = parseLiteLlmCatalogue({
      sample_spec: { input_cost_per_token: 0 },
      good: { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
      notAnObject: 42,
      noProvider: { input_cost_per_token: 1e-6 },
      badPrice: { litellm_provider: 'openai', input_cost_per_token: 'cheap' },
      negative: { litellm_provider: 'openai', output_cost_per_token: -1 },
      huge: { litellm_provider: 'openai', output_cost_per_token: 1e300 },
      badSearch: { litellm_provider: 'perplexity', search_context_cost_per_query: 0.01 },
      badMode: { litellm_provider: 'openai', mode: 3 },
    });
    expect(result.entries.map((e) => e.key)).toEqual(['good']);
    expect(Object.fromEntries(result.skipped.map((s) => [s.key, s.reason]))).toEqual({
      sample_spec: expect.stringContaining('documentation'),
      notAnObject: 'entry is not an object',
      noProvider: expect.stringContaining('litellm_provider'),
      badPrice: expect.stringContaining('input_cost_per_token'),
      negative: expect.stringContaining('output_cost_per_token'),
      huge: expect.stringContaining('below 1e9'),
      badSearch: expect.stringContaining('search_context_cost_per_query'),
      badMode: 'mode is not a string',
    });
  });

  it('a non-object catalogue is one skipped pseudo-key', () => {
    expect(parseLiteLlmCatalogue([1, 2]).skipped).toHaveLength(1);
    expect(parseLiteLlmCatalogue(null).entries).toEqual([]);
  });

  it('floats become Decimals through their string form (0.1 + 0.2 stays exact)', () => {
    const { entries } = parseLiteLlmCatalogue({
      m: { litellm_provider: 'x', input_cost_per_token: 0.1, output_cost_per_token: 0.2 },
    });
    const p = entries[0].prices;
    expect(p.input?.plus(p.output ?? 0).toFixed()).toBe('0.3');
  });

  it('keeps only the lowest of several long-context thresholds, with a warning', () => {
    const result = parseLiteLlmCatalogue({
      m: {
        litellm_provider: 'x',
        input_cost_per_token: 1e-6,
        input_cost_per_token_above_128k_tokens: 2e-6,
        input_cost_per_token_above_256k_tokens: 3e-6,
      },
    });
    expect(result.entries[0].prices.longContext).toMatchObject({ thresholdTokens: 128_000 });
    expect(result.warnings[0].reason).toContain('128000, 256000');
  });
});

describe('stripProviderPrefix', () => {
  it.each([
    ['groq/llama-3.3-70b-versatile', 'groq', 'llama-3.3-70b-versatile'],
    ['openrouter/anthropic/claude-3.5-sonnet', 'openrouter', 'anthropic/claude-3.5-sonnet'],
    ['vertex_ai/claude-3-5-sonnet', 'vertex_ai-anthropic_models', 'claude-3-5-sonnet'],
    ['amazon-nova/nova-micro-v1', 'amazon_nova', 'nova-micro-v1'],
    ['1024-x-1024/dall-e-2', 'openai', '1024-x-1024/dall-e-2'],
    ['gpt-4o-mini', 'openai', 'gpt-4o-mini'],
  ])('%s (%s) → %s', (key, provider, model) => {
    expect(stripProviderPrefix(key, provider)).toBe(model);
  });
});
