import { normalizeRequestUsage, reasoningIsInsideCompletion, type NormalizedUsage, type RequestUsageProvider } from './normalize';

function ok(provider: RequestUsageProvider, usage: unknown, operation?: 'embeddings'): NormalizedUsage {
  const result = normalizeRequestUsage(provider, usage, operation ? { operation } : {});
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  return result.value;
}

function problems(provider: RequestUsageProvider, usage: unknown, path = 'usage') {
  const result = normalizeRequestUsage(provider, usage, { path });
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

const ZERO = { inputUncached: 0, inputCachedRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, reasoning: 0 };

describe('OpenAI chat completions', () => {
  it('takes cached tokens out of prompt_tokens and reasoning out of completion_tokens', () => {
    // o4-mini answer with a prompt-cache hit and hidden reasoning.
    const usage = {
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const result = ok('openai', usage);
    expect(result.format).toBe('openai.chat');
    expect(result.tokens).toEqual({ ...ZERO, inputUncached: 86, inputCachedRead: 1920, output: 108, reasoning: 192 });
    expect(result.units.requests).toBe(1);
    expect(result.reportedCost).toBeNull();
    expect(result.promptTokens).toBe(2006);
    // Never double counted: the classes add back up to what OpenAI reported.
    const t = result.tokens;
    expect(t.inputUncached + t.inputCachedRead + t.output + t.reasoning).toBe(usage.total_tokens);
  });

  it('reads a plain gpt-4o-mini usage without details, and null details', () => {
    expect(ok('openai', { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 }).tokens).toEqual({ ...ZERO, inputUncached: 12, output: 9 });
    expect(ok('openai', { prompt_tokens: 12, completion_tokens: 9, prompt_tokens_details: null, completion_tokens_details: null }).tokens).toEqual({
      ...ZERO,
      inputUncached: 12,
      output: 9,
    });
  });

  it('reads embeddings usage, which has no completion tokens', () => {
    expect(ok('openai', { prompt_tokens: 8, total_tokens: 8 }, 'embeddings')).toMatchObject({ format: 'openai.embeddings', tokens: { ...ZERO, inputUncached: 8 } });
  });

  it('refuses impossible splits with the path of the field', () => {
    expect(problems('openai', { prompt_tokens: 100, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 101 } }, 'records[3].usage')).toEqual([
      {
        path: 'records[3].usage.prompt_tokens_details.cached_tokens',
        code: 'inconsistent',
        message: 'records[3].usage.prompt_tokens_details.cached_tokens (101) cannot exceed records[3].usage.prompt_tokens (100), which includes the cached tokens.',
      },
    ]);
    expect(problems('openai', { prompt_tokens: 100, completion_tokens: 10, completion_tokens_details: { reasoning_tokens: 11 } })[0].path).toBe(
      'usage.completion_tokens_details.reasoning_tokens',
    );
  });

  it('names every bad field at once', () => {
    const found = problems('openai', { prompt_tokens: -1, completion_tokens: 1.5, prompt_tokens_details: 'x' }, 'records[0].usage');
    expect(found.map((p) => p.path)).toEqual(['records[0].usage.prompt_tokens', 'records[0].usage.prompt_tokens_details', 'records[0].usage.completion_tokens']);
    expect(found[0].message).toBe('records[0].usage.prompt_tokens must be a whole number of at least 0 (every input token of the request, cached ones included); got -1.');
    expect(problems('openai', { completion_tokens: 1 })[0]).toMatchObject({ path: 'usage.prompt_tokens', code: 'required' });
    expect(problems('openai', { prompt_tokens: '12', completion_tokens: 1 })[0].message).toContain('must be a whole number');
    expect(problems('openai', 'usage')[0]).toMatchObject({ path: 'usage', code: 'wrong_type' });
    expect(problems('openai', [1, 2])[0]).toMatchObject({ path: 'usage', code: 'wrong_type' });
  });
});

describe('OpenAI Responses API', () => {
  it('uses input_tokens_details / output_tokens_details the same way', () => {
    const usage = {
      input_tokens: 5200,
      input_tokens_details: { cached_tokens: 4096 },
      output_tokens: 1500,
      output_tokens_details: { reasoning_tokens: 1024 },
      total_tokens: 6700,
    };
    expect(ok('openai', usage)).toMatchObject({ format: 'openai.responses', tokens: { ...ZERO, inputUncached: 1104, inputCachedRead: 4096, output: 476, reasoning: 1024 } });
    expect(ok('azure-openai', usage).tokens).toEqual(ok('openai', usage).tokens);
  });

  it('requires output_tokens', () => {
    expect(problems('openai', { input_tokens: 5 })).toEqual([expect.objectContaining({ path: 'usage.output_tokens', code: 'required' })]);
  });
});

describe('Anthropic Messages', () => {
  it('keeps input_tokens as uncached and splits cache writes by TTL', () => {
    const usage = {
      input_tokens: 21,
      cache_creation_input_tokens: 3000,
      cache_read_input_tokens: 12000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
      output_tokens: 503,
      service_tier: 'standard',
      server_tool_use: { web_search_requests: 2 },
    };
    const result = ok('anthropic', usage);
    expect(result).toMatchObject({
      format: 'anthropic.messages',
      tokens: { ...ZERO, inputUncached: 21, inputCachedRead: 12000, cacheWrite5m: 1000, cacheWrite1h: 2000, output: 503 },
      serviceTier: 'standard',
      promptTokens: 15021,
    });
    expect(result.units).toMatchObject({ requests: 1, webSearchCalls: 2 });
  });

  it('puts cache writes without a TTL split in the 5-minute class (the default TTL)', () => {
    expect(ok('anthropic', { input_tokens: 10, cache_creation_input_tokens: 500, cache_read_input_tokens: 0, output_tokens: 20 }).tokens).toEqual({
      ...ZERO,
      inputUncached: 10,
      cacheWrite5m: 500,
      output: 20,
    });
  });

  it('reads the batch tier and refuses a split that does not add up', () => {
    expect(ok('anthropic', { input_tokens: 1, output_tokens: 1, service_tier: 'batch' }).serviceTier).toBe('batch');
    expect(problems('anthropic', { input_tokens: 1, output_tokens: 1, service_tier: 'gold' })[0].path).toBe('usage.service_tier');
    expect(
      problems('anthropic', { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 10, cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: 5 } })[0],
    ).toMatchObject({ path: 'usage.cache_creation', code: 'inconsistent' });
  });
});

describe('OpenRouter', () => {
  it('takes cache reads and writes out of prompt_tokens and keeps cost as the billed amount', () => {
    const usage = {
      prompt_tokens: 10339,
      completion_tokens: 60,
      total_tokens: 10399,
      cost: 0.00492,
      is_byok: false,
      prompt_tokens_details: { cached_tokens: 10318, cache_write_tokens: 0, audio_tokens: 0 },
      cost_details: { upstream_inference_cost: null },
      completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
    };
    expect(ok('openrouter', usage)).toMatchObject({ format: 'openrouter.chat', tokens: { ...ZERO, inputUncached: 21, inputCachedRead: 10318, output: 60 }, reportedCost: '0.00492' });
  });

  it('keeps tiny costs exact, as JSON wrote them', () => {
    const result = ok('openrouter', { prompt_tokens: 20, completion_tokens: 2, cost: 1.2e-7, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 15 } });
    expect(result.reportedCost).toBe('0.00000012');
    expect(result.tokens).toMatchObject({ inputUncached: 5, cacheWrite5m: 15 });
  });

  it('refuses a negative cost and writes that exceed the prompt', () => {
    expect(problems('openrouter', { prompt_tokens: 2, completion_tokens: 1, cost: -0.1 })[0]).toMatchObject({ path: 'usage.cost', code: 'out_of_range' });
    expect(problems('openrouter', { prompt_tokens: 2, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 1, cache_write_tokens: 2 } })[0].path).toBe(
      'usage.prompt_tokens_details',
    );
  });
});

describe('Groq and Mistral', () => {
  it('read the OpenAI shape and ignore timing fields', () => {
    const groq = {
      queue_time: 0.037,
      prompt_tokens: 1824,
      prompt_time: 0.0412,
      completion_tokens: 214,
      completion_time: 0.778,
      total_tokens: 2038,
      total_time: 0.819,
      prompt_tokens_details: { cached_tokens: 1536 },
    };
    expect(ok('groq', groq).tokens).toEqual({ ...ZERO, inputUncached: 288, inputCachedRead: 1536, output: 214 });
    expect(ok('mistral', { prompt_tokens: 41, total_tokens: 181, completion_tokens: 140 }).tokens).toEqual({ ...ZERO, inputUncached: 41, output: 140 });
  });
});

describe('DeepSeek', () => {
  it('uses cache hits and misses, which partition the prompt', () => {
    const usage = {
      prompt_tokens: 1100,
      completion_tokens: 900,
      total_tokens: 2000,
      prompt_tokens_details: { cached_tokens: 1024 },
      prompt_cache_hit_tokens: 1024,
      prompt_cache_miss_tokens: 76,
      completion_tokens_details: { reasoning_tokens: 700 },
    };
    expect(ok('deepseek', usage)).toMatchObject({ format: 'deepseek.chat', tokens: { ...ZERO, inputUncached: 76, inputCachedRead: 1024, output: 200, reasoning: 700 } });
  });

  it('refuses hits and misses that do not add up to prompt_tokens', () => {
    expect(problems('deepseek', { prompt_tokens: 10, completion_tokens: 1, prompt_cache_hit_tokens: 5, prompt_cache_miss_tokens: 6 })[0]).toMatchObject({
      path: 'usage.prompt_cache_hit_tokens',
      code: 'inconsistent',
    });
  });
});

describe('Gemini usageMetadata', () => {
  it('treats promptTokenCount as including cached content, thoughts as reasoning', () => {
    const usageMetadata = {
      promptTokenCount: 12500,
      candidatesTokenCount: 420,
      totalTokenCount: 14120,
      cachedContentTokenCount: 8192,
      thoughtsTokenCount: 1200,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12500 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8192 }],
    };
    const result = ok('gemini', usageMetadata);
    expect(result).toMatchObject({ format: 'gemini.usageMetadata', tokens: { ...ZERO, inputUncached: 4308, inputCachedRead: 8192, output: 420, reasoning: 1200 } });
    const t = result.tokens;
    expect(t.inputUncached + t.inputCachedRead + t.output + t.reasoning).toBe(usageMetadata.totalTokenCount);
    // A whole response, or the Python SDK's snake_case dump, read the same.
    expect(ok('gemini', { usageMetadata }).tokens).toEqual(t);
    expect(
      ok('gemini', { prompt_token_count: 12500, candidates_token_count: 420, cached_content_token_count: 8192, thoughts_token_count: 1200 }).tokens,
    ).toEqual(t);
  });

  it('counts tool-use prompt tokens as input and allows a missing candidate count', () => {
    expect(ok('gemini', { promptTokenCount: 100, toolUsePromptTokenCount: 50, totalTokenCount: 150 }).tokens).toEqual({ ...ZERO, inputUncached: 150 });
  });

  it('refuses cached content larger than the prompt', () => {
    expect(problems('gemini', { usageMetadata: { promptTokenCount: 10, cachedContentTokenCount: 11 } })[0].path).toBe('usage.usageMetadata.cachedContentTokenCount');
  });
});

describe('Perplexity', () => {
  it('records usage.cost.total_cost as the billed cost, request fee included', () => {
    const usage = {
      prompt_tokens: 9,
      completion_tokens: 312,
      total_tokens: 321,
      search_context_size: 'low',
      cost: { input_tokens_cost: 0.000009, output_tokens_cost: 0.000312, request_cost: 0.005, total_cost: 0.005321 },
    };
    expect(ok('perplexity', usage)).toMatchObject({ format: 'perplexity.chat', tokens: { ...ZERO, inputUncached: 9, output: 312 }, reportedCost: '0.005321' });
  });

  it('reads deep research: citations as input, reasoning beside completion, searches as units', () => {
    const usage = {
      prompt_tokens: 19,
      completion_tokens: 7163,
      total_tokens: 7182,
      citation_tokens: 47852,
      num_search_queries: 23,
      reasoning_tokens: 128420,
      cost: { input_tokens_cost: 0.000038, output_tokens_cost: 0.057304, citation_tokens_cost: 0.095704, reasoning_tokens_cost: 0.38526, search_queries_cost: 0.115, total_cost: 0.653306 },
    };
    const result = ok('perplexity', usage);
    expect(result.tokens).toEqual({ ...ZERO, inputUncached: 47871, output: 7163, reasoning: 128420 });
    expect(result.units).toMatchObject({ requests: 1, searchQueries: 23 });
    expect(result.reportedCost).toBe('0.653306');
  });

  it('asks for total_cost when a cost object is sent without it', () => {
    expect(problems('perplexity', { prompt_tokens: 1, completion_tokens: 1, cost: { request_cost: 0.005 } })[0]).toMatchObject({ path: 'usage.cost.total_cost', code: 'required' });
  });
});

describe('xAI', () => {
  it('converts cost_in_usd_ticks exactly (1 tick = 1e-10 USD)', () => {
    const usage = {
      prompt_tokens: 663,
      completion_tokens: 50,
      total_tokens: 837,
      prompt_tokens_details: { text_tokens: 663, audio_tokens: 0, image_tokens: 0, cached_tokens: 654 },
      completion_tokens_details: { reasoning_tokens: 124, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      num_sources_used: 0,
      cost_in_usd_ticks: 37756000,
    };
    const result = ok('xai', usage);
    expect(result.reportedCost).toBe('0.0037756');
    // total = prompt + completion + reasoning: reasoning is beside the completion tokens.
    expect(result.tokens).toEqual({ ...ZERO, inputUncached: 9, inputCachedRead: 654, output: 50, reasoning: 124 });
  });

  it('follows the payload when total_tokens shows reasoning inside completion_tokens', () => {
    const usage = { prompt_tokens: 686, completion_tokens: 123, total_tokens: 809, completion_tokens_details: { reasoning_tokens: 112 }, cost_in_usd_ticks: '1' };
    expect(ok('xai', usage)).toMatchObject({ tokens: { output: 11, reasoning: 112 }, reportedCost: '0.0000000001' });
  });

  it('refuses ticks that are not whole numbers', () => {
    expect(problems('xai', { prompt_tokens: 1, completion_tokens: 1, cost_in_usd_ticks: 1.5 })[0]).toMatchObject({ path: 'usage.cost_in_usd_ticks' });
  });
});

describe('reasoningIsInsideCompletion', () => {
  it('decides from total_tokens, else from the convention', () => {
    expect(reasoningIsInsideCompletion({ prompt: 10, completion: 5, reasoning: 3, total: 15 }, false)).toBe(true);
    expect(reasoningIsInsideCompletion({ prompt: 10, completion: 5, reasoning: 3, total: 18 }, true)).toBe(false);
    expect(reasoningIsInsideCompletion({ prompt: 10, completion: 5, reasoning: 3, total: null }, true)).toBe(true);
    expect(reasoningIsInsideCompletion({ prompt: 10, completion: 2, reasoning: 3, total: null }, true)).toBe(false);
  });
});
