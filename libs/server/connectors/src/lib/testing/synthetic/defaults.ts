import type {
  AnthropicSeries,
  OpenAiSeries,
  OpenRouterSeries,
  SyntheticUsage,
} from './usage';

/**
 * A plausible organisation for each provider: several models and projects, batch / priority / flex tiers,
 * cached tokens and cache writes, long context, every OpenAI usage endpoint. Prices are USD per unit in the
 * providers' 2026 list-price range (exact decimal text, so cost lines are exact too).
 */
const mini = 'gpt-4o-mini-2024-07-18';
const gpt4o = 'gpt-4o-2024-08-06';
const o4mini = 'o4-mini-2025-04-16';

function tokenCosts(
  model: string,
  suffix: string,
  prices: { input: string; cached: string; output: string },
): NonNullable<OpenAiSeries['costs']> {
  return [
    { lineItem: `${model}, input${suffix}`, metric: 'input_uncached_tokens', usdPerUnit: prices.input, quantityUnit: 'tokens' },
    { lineItem: `${model}, cached input${suffix}`, metric: 'input_cached_tokens', usdPerUnit: prices.cached, quantityUnit: 'tokens' },
    { lineItem: `${model}, cache write${suffix}`, metric: 'input_cache_write_tokens', usdPerUnit: prices.input, quantityUnit: 'tokens' },
    { lineItem: `${model}, output${suffix}`, metric: 'output_tokens', usdPerUnit: prices.output, quantityUnit: 'tokens' },
  ];
}

export const DEFAULT_OPENAI_SERIES: readonly OpenAiSeries[] = [
  {
    endpoint: 'completions',
    project_id: 'proj_web',
    model: mini,
    batch: false,
    service_tier: 'default',
    daily: { input_uncached_tokens: 1_800_000, input_cached_tokens: 650_000, input_cache_write_tokens: 40_000, output_tokens: 420_000, num_model_requests: 5_200 },
    costs: tokenCosts(mini, '', { input: '0.00000015', cached: '0.000000075', output: '0.0000006' }),
  },
  {
    endpoint: 'completions',
    project_id: 'proj_web',
    model: mini,
    batch: false,
    service_tier: 'auto',
    daily: { input_uncached_tokens: 120_000, input_cached_tokens: 30_000, input_cache_write_tokens: 0, output_tokens: 25_000, num_model_requests: 300 },
    costs: tokenCosts(mini, '', { input: '0.00000015', cached: '0.000000075', output: '0.0000006' }),
  },
  {
    endpoint: 'completions',
    project_id: 'proj_batch',
    model: mini,
    batch: true,
    service_tier: 'default',
    daily: { input_uncached_tokens: 9_000_000, input_cached_tokens: 0, input_cache_write_tokens: 0, output_tokens: 2_400_000, num_model_requests: 12_000 },
    costs: tokenCosts(mini, ' | batch', { input: '0.000000075', cached: '0.0000000375', output: '0.0000003' }),
  },
  {
    endpoint: 'completions',
    project_id: 'proj_web',
    model: gpt4o,
    batch: false,
    service_tier: 'priority',
    daily: { input_uncached_tokens: 350_000, input_cached_tokens: 120_000, input_cache_write_tokens: 10_000, output_tokens: 90_000, num_model_requests: 800 },
    costs: tokenCosts(gpt4o, ' | priority', { input: '0.00000425', cached: '0.000002125', output: '0.000017' }),
  },
  {
    endpoint: 'completions',
    project_id: 'proj_research',
    model: o4mini,
    batch: false,
    service_tier: 'flex',
    daily: { input_uncached_tokens: 600_000, input_cached_tokens: 200_000, input_cache_write_tokens: 0, output_tokens: 700_000, num_model_requests: 400 },
    costs: tokenCosts(o4mini, ' | flex', { input: '0.00000055', cached: '0.000000138', output: '0.0000022' }),
  },
  {
    endpoint: 'embeddings',
    project_id: 'proj_web',
    model: 'text-embedding-3-small',
    daily: { input_tokens: 4_000_000, num_model_requests: 9_000 },
    costs: [{ lineItem: 'text-embedding-3-small, input', metric: 'input_tokens', usdPerUnit: '0.00000002', quantityUnit: 'tokens' }],
  },
  {
    endpoint: 'moderations',
    project_id: 'proj_web',
    model: 'omni-moderation-2024-09-26',
    daily: { input_tokens: 300_000, num_model_requests: 2_000 },
  },
  {
    endpoint: 'images',
    project_id: 'proj_web',
    model: 'gpt-image-1',
    size: '1024x1024',
    source: 'image.generation',
    daily: { images: 120, num_model_requests: 110 },
    costs: [{ lineItem: 'gpt-image-1, image generation 1024x1024', metric: 'images', usdPerUnit: '0.042', quantityUnit: 'images' }],
  },
  {
    endpoint: 'images',
    project_id: 'proj_web',
    model: 'gpt-image-1',
    size: '1024x1536',
    source: 'image.edit',
    daily: { images: 30, num_model_requests: 30 },
    costs: [{ lineItem: 'gpt-image-1, image edit 1024x1536', metric: 'images', usdPerUnit: '0.063', quantityUnit: 'images' }],
  },
  {
    endpoint: 'audio_speeches',
    project_id: 'proj_web',
    model: 'tts-1',
    daily: { characters: 250_000, num_model_requests: 900 },
    costs: [{ lineItem: 'tts-1, characters', metric: 'characters', usdPerUnit: '0.000015', quantityUnit: 'characters' }],
  },
  {
    endpoint: 'audio_transcriptions',
    project_id: 'proj_research',
    model: 'whisper-1',
    daily: { seconds: 36_000, num_model_requests: 420 },
    costs: [{ lineItem: 'whisper-1, seconds', metric: 'seconds', usdPerUnit: '0.0001', quantityUnit: 'duration_seconds' }],
  },
  {
    endpoint: 'vector_stores',
    project_id: 'proj_web',
    // About 0.10 USD per GiB-day, per byte.
    daily: { usage_bytes: 5_368_709_120 },
    costs: [{ lineItem: 'vector store storage', metric: 'usage_bytes', usdPerUnit: '0.0000000000931323' }],
  },
  {
    endpoint: 'code_interpreter_sessions',
    project_id: 'proj_research',
    daily: { num_sessions: 140 },
    costs: [{ lineItem: 'code interpreter sessions', metric: 'num_sessions', usdPerUnit: '0.03' }],
  },
  {
    endpoint: 'file_search_calls',
    project_id: 'proj_web',
    vector_store_id: 'vs_docs',
    daily: { num_requests: 2_600 },
    costs: [{ lineItem: 'file search tool calls', metric: 'num_requests', usdPerUnit: '0.0025' }],
  },
  {
    endpoint: 'web_search_calls',
    project_id: 'proj_research',
    model: gpt4o,
    context_level: 'medium',
    daily: { num_requests: 350, num_model_requests: 300 },
    costs: [{ lineItem: 'web search tool calls', metric: 'num_requests', usdPerUnit: '0.01' }],
  },
];

const sonnetPrices = { input: '0.000003', cacheRead: '0.0000003', cacheWrite5m: '0.00000375', cacheWrite1h: '0.000006', output: '0.000015', webSearch: '0.01' };

export const DEFAULT_ANTHROPIC_SERIES: readonly AnthropicSeries[] = [
  {
    model: 'claude-sonnet-4-20250514',
    label: 'Claude Sonnet 4',
    workspace_id: 'wrkspc_prod',
    service_tier: 'standard',
    context_window: '0-200k',
    daily: { uncached_input_tokens: 2_200_000, cache_read_input_tokens: 5_400_000, ephemeral_5m_input_tokens: 300_000, ephemeral_1h_input_tokens: 80_000, output_tokens: 640_000, web_search_requests: 45 },
    prices: sonnetPrices,
  },
  {
    model: 'claude-sonnet-4-20250514',
    label: 'Claude Sonnet 4 Batch',
    workspace_id: 'wrkspc_prod',
    service_tier: 'batch',
    context_window: '0-200k',
    daily: { uncached_input_tokens: 8_000_000, cache_read_input_tokens: 0, ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0, output_tokens: 1_900_000, web_search_requests: 0 },
    prices: { input: '0.0000015', cacheRead: '0.00000015', cacheWrite5m: '0.000001875', cacheWrite1h: '0.000003', output: '0.0000075' },
  },
  {
    model: 'claude-sonnet-4-20250514',
    label: 'Claude Sonnet 4 Long Context',
    workspace_id: 'wrkspc_research',
    service_tier: 'standard',
    context_window: '200k-1M',
    daily: { uncached_input_tokens: 1_500_000, cache_read_input_tokens: 900_000, ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 250_000, output_tokens: 60_000, web_search_requests: 0 },
    prices: { input: '0.000006', cacheRead: '0.0000006', cacheWrite5m: '0.0000075', cacheWrite1h: '0.000012', output: '0.0000225' },
  },
  {
    model: 'claude-3-5-haiku-20241022',
    label: 'Claude Haiku 3.5',
    workspace_id: null,
    service_tier: 'standard',
    context_window: '0-200k',
    daily: { uncached_input_tokens: 3_000_000, cache_read_input_tokens: 1_000_000, ephemeral_5m_input_tokens: 120_000, ephemeral_1h_input_tokens: 0, output_tokens: 500_000, web_search_requests: 0 },
    prices: { input: '0.0000008', cacheRead: '0.00000008', cacheWrite5m: '0.000001', cacheWrite1h: '0.0000016', output: '0.000004' },
  },
  {
    // Priority Tier: in the usage report, never in the cost report.
    model: 'claude-opus-4-1-20250805',
    label: 'Claude Opus 4.1',
    workspace_id: 'wrkspc_prod',
    service_tier: 'priority',
    context_window: '0-200k',
    daily: { uncached_input_tokens: 150_000, cache_read_input_tokens: 400_000, ephemeral_5m_input_tokens: 20_000, ephemeral_1h_input_tokens: 0, output_tokens: 40_000, web_search_requests: 0 },
  },
];

export const DEFAULT_OPENROUTER_SERIES: readonly OpenRouterSeries[] = [
  {
    model: 'openai/gpt-4.1',
    model_permaslug: 'openai/gpt-4.1-2025-04-14',
    provider_name: 'OpenAI',
    endpoint_id: '0f7c2a51-5e0a-4c8e-9d43-1b2f6f3a9a01',
    daily: { prompt_tokens: 900_000, completion_tokens: 150_000, reasoning_tokens: 0, requests: 700 },
    usdPerPromptToken: '0.000002',
    usdPerCompletionToken: '0.000008',
  },
  {
    model: 'anthropic/claude-sonnet-4',
    model_permaslug: 'anthropic/claude-4-sonnet-20250522',
    provider_name: 'Anthropic',
    endpoint_id: '5b0c6f0e-2a77-4d7e-8f5c-3c1e9e0d7b02',
    daily: { prompt_tokens: 1_200_000, completion_tokens: 200_000, reasoning_tokens: 0, requests: 520 },
    usdPerPromptToken: '0.000003',
    usdPerCompletionToken: '0.000015',
  },
  {
    model: 'anthropic/claude-sonnet-4',
    model_permaslug: 'anthropic/claude-4-sonnet-20250522',
    provider_name: 'Amazon Bedrock',
    endpoint_id: '9d4e1c3b-7f2a-4b6d-a0e5-8c7b6a5d4e03',
    daily: { prompt_tokens: 300_000, completion_tokens: 50_000, reasoning_tokens: 0, requests: 130 },
    usdPerPromptToken: '0.000003',
    usdPerCompletionToken: '0.000015',
  },
  {
    model: 'deepseek/deepseek-r1',
    model_permaslug: 'deepseek/deepseek-r1',
    provider_name: 'DeepInfra',
    endpoint_id: 'c2a9e8d7-6b5a-4c3d-9e2f-1a0b9c8d7e04',
    daily: { prompt_tokens: 400_000, completion_tokens: 380_000, reasoning_tokens: 260_000, requests: 210 },
    usdPerPromptToken: '0.0000004',
    usdPerCompletionToken: '0.000002',
  },
];

/** Every provider's default series under one seed. */
export function defaultSyntheticUsage(seed = 'default'): SyntheticUsage {
  return {
    seed,
    openai: DEFAULT_OPENAI_SERIES,
    openaiExtraCosts: [],
    anthropic: DEFAULT_ANTHROPIC_SERIES,
    anthropicExtraCosts: [
      { description: 'Code Execution Usage', project: 'wrkspc_research', usd: '0.05', costType: 'code_execution' },
    ],
    openrouter: DEFAULT_OPENROUTER_SERIES,
    openrouterCredits: { totalCredits: '250', totalUsage: '187.4213' },
  };
}
