/**
 * Provider API clients. Today: connection tests (`testConnection`), which call each provider's cheapest
 * authenticated read that proves a key works and has the scope the usage sync needs. Usage/cost sync
 * connectors join here. Local provider test servers live in `@act/server/connectors/testing`.
 */
export {
  DEFAULT_CONNECTION_TEST_TIMEOUT_MS,
  testConnection,
  type ConnectionTestInput,
  type ConnectionTestOptions,
} from './lib/connection-test/test-connection';
export {
  resolveApiRoot,
  type ApiLocation,
  type BaseUrlResolution,
} from './lib/http/base-url';
