import type { TestServerProvider } from '../organisation';
import type { ProviderRouteModule } from '../route-module';
import { anthropicRoutes } from './anthropic';
import { deepseekRoutes } from './deepseek';
import { geminiRoutes } from './gemini';
import { customRoutes, groqRoutes, mistralRoutes } from './openai-compatible';
import { openaiRoutes } from './openai';
import { openrouterRoutes } from './openrouter';
import { perplexityRoutes } from './perplexity';
import { xaiRoutes } from './xai';

/** One route module per provider; a `Record` so a new provider fails to compile until it has one. */
export const ROUTE_MODULES: Readonly<
  Record<TestServerProvider, ProviderRouteModule>
> = {
  openai: openaiRoutes,
  anthropic: anthropicRoutes,
  openrouter: openrouterRoutes,
  groq: groqRoutes,
  perplexity: perplexityRoutes,
  mistral: mistralRoutes,
  deepseek: deepseekRoutes,
  gemini: geminiRoutes,
  xai: xaiRoutes,
  custom: customRoutes,
};
