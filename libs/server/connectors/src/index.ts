/**
 * Provider API clients:
 * - connection tests (`testConnection`): each provider's cheapest authenticated read that proves a key works and
 *   has the scope the usage sync needs;
 * - sync connectors (`createSyncConnector`, `OpenAiSyncConnector`, `AnthropicSyncConnector`,
 *   `OpenRouterSyncConnector`): read a day range of usage and billed cost from the official APIs and return
 *   validated `UsageObserved.v1` / `CostReported.v1` events, or a typed `SyncError`.
 * Local provider test servers live in `@act/server/connectors/testing`.
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
export {
  SYNC_PROVIDERS,
  isSyncProvider,
  type SyncAccount,
  type SyncConnector,
  type SyncConnectorOptions,
  type SyncProgress,
  type SyncProvider,
  type SyncRange,
  type SyncResult,
  type SyncRunOptions,
  type SyncWarning,
} from './lib/sync/types';
export {
  createSyncConnector,
  type SyncConnectorsByProvider,
} from './lib/sync/connectors';
export {
  OPENAI_USAGE_ENDPOINTS,
  OpenAiSyncConnector,
  type OpenAiSyncOptions,
  type OpenAiUsageEndpoint,
} from './lib/sync/openai';
export {
  AnthropicSyncConnector,
  anthropicCentsToDollars,
  type AnthropicSyncOptions,
} from './lib/sync/anthropic';
export {
  OPENROUTER_ACTIVITY_DAYS,
  OpenRouterSyncConnector,
  type OpenRouterCredits,
} from './lib/sync/openrouter';
export {
  SYNC_ERROR_CATEGORIES,
  SyncError,
  isSyncError,
  type SyncErrorCategory,
  type SyncErrorCode,
  type SyncErrorDetails,
} from './lib/sync/sync-error';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_SYNC_TIMEOUT_MS,
  type SyncHttpOptions,
} from './lib/sync/provider-client';
export {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  parseRetryAfter,
  type RetryPolicy,
} from './lib/sync/retry';
export { zeroesForVanishedKeys } from './lib/sync/vanished';
export {
  DEFAULT_MAX_PAGES,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SETTLE_HOURS,
} from './lib/sync/sync-run';
