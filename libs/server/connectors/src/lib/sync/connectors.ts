import { AnthropicSyncConnector, type AnthropicSyncOptions } from './anthropic';
import { OpenAiSyncConnector, type OpenAiSyncOptions } from './openai';
import { OpenRouterSyncConnector } from './openrouter';
import type {
  SyncAccount,
  SyncConnector,
  SyncConnectorOptions,
  SyncProvider,
} from './types';

export interface SyncConnectorsByProvider {
  openai: OpenAiSyncConnector;
  anthropic: AnthropicSyncConnector;
  openrouter: OpenRouterSyncConnector;
}

/** The connector for an account of a provider with a usage API (see `isSyncProvider`). */
export function createSyncConnector<P extends SyncProvider>(
  provider: P,
  account: SyncAccount,
  options?: SyncConnectorOptions & OpenAiSyncOptions & AnthropicSyncOptions,
): SyncConnectorsByProvider[P];
export function createSyncConnector(
  provider: SyncProvider,
  account: SyncAccount,
  options: SyncConnectorOptions & OpenAiSyncOptions & AnthropicSyncOptions = {},
): SyncConnector {
  switch (provider) {
    case 'openai':
      return new OpenAiSyncConnector(account, options);
    case 'anthropic':
      return new AnthropicSyncConnector(account, options);
    case 'openrouter':
      return new OpenRouterSyncConnector(account, options);
  }
}
