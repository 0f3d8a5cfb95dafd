import { readFileSync } from 'node:fs';
import { parseLiteLlmCatalogue } from './litellm-catalogue';
import { buildCatalogueIndex, resolveModel } from './resolve-model';

const raw = JSON.parse(
  readFileSync(new URL('../../catalogue/litellm-model-prices.json', import.meta.url), 'utf8'),
) as Record<string, { litellm_provider?: string }>;
const index = buildCatalogueIndex(parseLiteLlmCatalogue(raw).entries);

type Row = readonly [provider: string, modelId: string, expected: string | null, match?: 'exact' | 'alias'];

/**
 * Real model ids as each provider reports them. `null` = unpriced: the catalogue has no entry
 * that may price it (the test checks the obvious key really is absent).
 */
const TABLE: readonly Row[] = [
  ['openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18', 'exact'],
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini', 'exact'],
  ['openai', 'gpt-4o-2024-05-13', 'gpt-4o-2024-05-13', 'exact'], // priced unlike gpt-4o: must not be stripped
  ['openai', 'gpt-3.5-turbo-0125', 'gpt-3.5-turbo-0125', 'exact'],
  ['openai', 'gpt-3.5-turbo-0301', 'gpt-3.5-turbo', 'alias'], // -MMDD snapshot not listed
  ['openai', 'gpt-5-2025-08-07', 'gpt-5-2025-08-07', 'exact'],
  ['openai', 'chatgpt-4o-latest', 'chatgpt-4o-latest', 'exact'],
  ['openai', 'ft:gpt-4o-mini-2024-07-18:acme::AbC123', 'ft:gpt-4o-mini-2024-07-18', 'alias'],
  ['openai', 'o1-mini-2024-09-12', null], // retired, gone from the catalogue
  ['anthropic', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929', 'exact'],
  ['anthropic', 'claude-haiku-4-5', 'claude-haiku-4-5', 'exact'],
  ['anthropic', 'claude-opus-4-1-20250805', 'claude-opus-4-1-20250805', 'exact'],
  ['anthropic', 'claude-3-7-sonnet-latest', 'claude-3-7-sonnet-20250219', 'alias'],
  ['anthropic', 'claude-sonnet-4-5@20250929', 'claude-sonnet-4-5-20250929', 'alias'],
  ['anthropic', 'claude-3-5-sonnet-20241022', null], // only under bedrock/vertex/gateways now
  ['anthropic', 'claude-3-5-haiku-latest', null],
  ['openrouter', 'anthropic/claude-3.5-sonnet', 'openrouter/anthropic/claude-3.5-sonnet', 'exact'],
  ['openrouter', 'anthropic/claude-sonnet-4.5', 'openrouter/anthropic/claude-sonnet-4.5', 'exact'],
  ['openrouter', 'anthropic/claude-3.7-sonnet:thinking', 'openrouter/anthropic/claude-3.7-sonnet', 'alias'],
  ['openrouter', 'google/gemini-2.5-pro', 'openrouter/google/gemini-2.5-pro', 'exact'],
  ['openrouter', 'x-ai/grok-4', 'openrouter/x-ai/grok-4', 'exact'],
  ['openrouter', 'openai/gpt-4o-mini', 'gpt-4o-mini', 'alias'], // no openrouter/ key: the vendor's price
  ['openrouter', 'deepseek/deepseek-chat-v3.1', 'openrouter/deepseek/deepseek-chat-v3.1', 'exact'],
  ['openrouter', 'meta-llama/llama-3.3-70b-instruct', null],
  ['groq', 'llama-3.3-70b-versatile', 'groq/llama-3.3-70b-versatile', 'exact'],
  ['groq', 'llama-3.1-8b-instant', 'groq/llama-3.1-8b-instant', 'exact'],
  ['groq', 'openai/gpt-oss-120b', 'groq/openai/gpt-oss-120b', 'exact'],
  ['groq', 'meta-llama/llama-4-scout-17b-16e-instruct', 'groq/meta-llama/llama-4-scout-17b-16e-instruct', 'exact'],
  ['groq', 'mixtral-8x7b-32768', null],
  ['groq', 'gpt-4o-mini', null], // never another provider's price
  ['perplexity', 'sonar', 'perplexity/sonar', 'exact'],
  ['perplexity', 'sonar-pro', 'perplexity/sonar-pro', 'exact'],
  ['perplexity', 'sonar-reasoning-pro', 'perplexity/sonar-reasoning-pro', 'exact'],
  ['perplexity', 'sonar-deep-research', 'perplexity/sonar-deep-research', 'exact'],
  ['mistral', 'mistral-large-latest', 'mistral/mistral-large-latest', 'exact'],
  ['mistral', 'mistral-large-2411', 'mistral/mistral-large-2411', 'exact'],
  ['mistral', 'mistral-small-2503', 'mistral/mistral-small', 'alias'],
  ['mistral', 'open-mistral-nemo', 'mistral/open-mistral-nemo', 'exact'],
  ['mistral', 'codestral-2501', null], // listed only under vertex_ai
  ['deepseek', 'deepseek-chat', 'deepseek/deepseek-chat', 'exact'],
  ['deepseek', 'deepseek-reasoner', 'deepseek/deepseek-reasoner', 'exact'],
  ['gemini', 'models/gemini-2.0-flash-001', 'gemini/gemini-2.0-flash-001', 'exact'],
  ['gemini', 'gemini-2.5-pro', 'gemini/gemini-2.5-pro', 'exact'],
  ['gemini', 'models/gemini-2.5-flash', 'gemini/gemini-2.5-flash', 'exact'],
  ['gemini', 'models/gemini-1.5-flash-002', 'gemini/gemini-1.5-flash', 'alias'],
  ['gemini', 'models/gemini-1.5-pro-002', null],
  ['xai', 'grok-3', 'xai/grok-3', 'exact'],
  ['xai', 'grok-4-0709', 'xai/grok-4-0709', 'exact'],
  ['xai', 'grok-2-1212', 'xai/grok-2-1212', 'exact'],
  ['xai', 'grok-4-latest', 'xai/grok-4-latest', 'exact'],
  ['xai', 'grok-3-mini', 'xai/grok-3-mini', 'exact'],
  ['bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'exact'],
  ['bedrock', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'exact'],
  ['bedrock', 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0', 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0', 'exact'],
  ['bedrock', 'amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0', 'exact'],
  ['bedrock', 'meta.llama3-1-70b-instruct-v1:0', 'meta.llama3-1-70b-instruct-v1:0', 'exact'],
  [
    'bedrock',
    'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
    'anthropic.claude-3-5-sonnet-20240620-v1:0',
    'exact',
  ],
  ['bedrock', 'apac.anthropic.claude-3-7-sonnet-20250219-v1:0', null], // regional profiles may cost +10 %
  ['azure', 'gpt-4o-mini', 'azure/gpt-4o-mini', 'exact'],
  ['azure', 'gpt-4o-2024-08-06', 'azure/gpt-4o-2024-08-06', 'exact'],
  ['azure', 'gpt-35-turbo', 'azure/gpt-35-turbo', 'exact'],
  ['azure', 'my-gpt4o-deployment', null], // a deployment name says nothing about the model
  ['vertex_ai', 'claude-3-5-sonnet@20240620', 'vertex_ai/claude-3-5-sonnet@20240620', 'exact'],
  ['acme', 'whatever-1', null],
];

describe('resolveModel', () => {
  // One object per row: with positional arguments jest would take a missing 4th one for `done`.
  const rows = TABLE.map(([provider, modelId, expected, match]) => ({ provider, modelId, expected, match }));
  it.each(rows)('$provider $modelId → $expected', ({ provider, modelId, expected, match }) => {
    const result = resolveModel(provider, modelId, index);
    if (expected === null) {
      expect(result).toEqual({ unpriced: expect.stringContaining(modelId) });
      return;
    }
    // The expectation itself is checked against the shipped JSON, not only against the code.
    expect(raw[expected]).toBeDefined();
    expect(result).toMatchObject({ catalogueKey: expected, provider: raw[expected].litellm_provider, match });
    if (match === 'alias') expect(result).toHaveProperty('note');
  });

  it('covers every provider the product connects to', () => {
    const providers = new Set(TABLE.map(([p]) => p));
    for (const p of [
      'openai',
      'anthropic',
      'openrouter',
      'groq',
      'perplexity',
      'mistral',
      'deepseek',
      'gemini',
      'xai',
      'bedrock',
    ]) {
      expect(providers.has(p)).toBe(true);
    }
  });

  it('the unpriced reason says what was tried and where else the model is listed', () => {
    const result = resolveModel('anthropic', 'claude-3-5-sonnet-20241022', index);
    expect('unpriced' in result && result.unpriced).toMatch(/tried claude-3-5-sonnet-20241022.*other providers/);
    const geo = resolveModel('bedrock', 'apac.anthropic.claude-3-7-sonnet-20250219-v1:0', index);
    expect('unpriced' in geo && geo.unpriced).toContain('regional inference profiles');
  });

  it('the returned identity is the catalogue entry (what the price book is keyed by)', () => {
    expect(resolveModel('groq', 'llama-3.3-70b-versatile', index)).toEqual({
      catalogueKey: 'groq/llama-3.3-70b-versatile',
      provider: 'groq',
      model: 'llama-3.3-70b-versatile',
      match: 'exact',
    });
  });

  it('accepts provider spellings and ids that repeat the provider prefix', () => {
    expect(resolveModel('Google', 'gemini-2.5-pro', index)).toMatchObject({ catalogueKey: 'gemini/gemini-2.5-pro' });
    expect(resolveModel('groq', 'groq/llama-3.3-70b-versatile', index)).toMatchObject({
      catalogueKey: 'groq/llama-3.3-70b-versatile',
    });
    expect(resolveModel('openai', '  ', index)).toEqual({ unpriced: expect.stringContaining('empty model id') });
  });
});
