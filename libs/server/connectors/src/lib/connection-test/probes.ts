import type { ProviderId } from '@act/contracts';
import { anthropicProbe } from './anthropic';
import { deepseekProbe } from './deepseek';
import { geminiProbe } from './gemini';
import { customProbe, groqProbe, mistralProbe } from './openai-compatible';
import { openaiProbe } from './openai';
import { openrouterProbe } from './openrouter';
import { perplexityProbe } from './perplexity';
import type { ConnectionProbe, UnsupportedProbe } from './probe';
import { azureOpenAiProbe, bedrockProbe } from './unsupported';
import { xaiProbe } from './xai';

/** One entry per provider: a `Record` so adding a provider to the contracts fails to compile until it is here. */
export const CONNECTION_PROBES: Readonly<
  Record<ProviderId, ConnectionProbe | UnsupportedProbe>
> = {
  openai: openaiProbe,
  anthropic: anthropicProbe,
  openrouter: openrouterProbe,
  groq: groqProbe,
  perplexity: perplexityProbe,
  mistral: mistralProbe,
  deepseek: deepseekProbe,
  gemini: geminiProbe,
  xai: xaiProbe,
  'azure-openai': azureOpenAiProbe,
  bedrock: bedrockProbe,
  custom: customProbe,
};
