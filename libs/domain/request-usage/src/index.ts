/**
 * Per-request usage, pure: no clock, no I/O.
 *
 * - `normalizeRequestUsage(provider, usage)`: a provider's native per-request usage object
 *   (OpenAI chat/Responses, Anthropic Messages, OpenRouter, Groq, Mistral, DeepSeek, Gemini
 *   `usageMetadata`, Perplexity, xAI) → disjoint token classes, units and the billed cost where
 *   the provider states it, or every problem with its path.
 * - `readRequestRecord`: one ingest record `{requestId, provider, model, timestamp, usage, …}`
 *   validated and normalized (UTC day, service tier, long-context tier).
 * - `sumRequests`: the reference day total of a set of requests.
 * - `acceptedFormats`: which usage formats an account of a provider may send.
 * - `coverageGap`, `isOfficialSource`, `supersededRequestLog`: official usage outranks request logs per
 *   account-day; the difference is the coverage gap.
 */
export * from './lib/reader';
export * from './lib/normalize';
export * from './lib/record';
export * from './lib/totals';
export * from './lib/coverage';
