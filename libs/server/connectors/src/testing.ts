/**
 * Test support: local HTTP servers that speak each provider's documented API (auth rules, body and error
 * shapes), with a synthetic organisation (keys, and deterministic usage/cost series for OpenAI, Anthropic and
 * OpenRouter), a request log without secrets, fault injection, late revisions and small pages. For tests and
 * demos only; never imported by production code.
 */
export {
  startProviderTestServer,
  type ProviderTestServer,
  type ProviderTestServerOptions,
  type RecordedRequest,
} from './lib/testing/provider-test-server';
export type { FaultOptions, TestServerFault } from './lib/testing/faults';
export {
  defaultTestOrganisation,
  TEST_KEYS,
  TEST_SERVER_PROVIDERS,
  type TestKey,
  type TestOrganisation,
  type TestServerProvider,
} from './lib/testing/organisation';
export type {
  ProviderRouteModule,
  Reply,
  RouteContext,
  TestRequest,
  TestRoute,
  TestServerState,
} from './lib/testing/route-module';
export {
  dayFactor,
  type AnthropicSeries,
  type ExtraCost,
  type OpenAiSeries,
  type OpenAiSeriesEndpoint,
  type OpenRouterSeries,
  type SyntheticUsage,
} from './lib/testing/synthetic/usage';
export {
  DEFAULT_ANTHROPIC_SERIES,
  DEFAULT_OPENAI_SERIES,
  DEFAULT_OPENROUTER_SERIES,
  defaultSyntheticUsage,
} from './lib/testing/synthetic/defaults';
