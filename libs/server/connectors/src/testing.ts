/**
 * Test support: local HTTP servers that speak each provider's documented API (auth rules, body and error
 * shapes), with a synthetic organisation, a request log without secrets, and fault injection. For tests and
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
} from './lib/testing/route-module';
