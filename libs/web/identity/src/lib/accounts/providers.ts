import type {
  AccountStatus,
  ConnectionTestResult,
  ProviderId,
} from '@act/contracts';
import { PROVIDERS } from '@act/contracts';
import type { ChipTone } from '../ui/status-chip';

export interface ProviderInfo {
  id: ProviderId;
  label: string;
  /** The provider has a usage/cost API we sync from, which needs an admin-level key. */
  syncs: boolean;
  credentialLabel: string;
  /** Where to get the credential, in one or two sentences. */
  help: string;
}

const VIA_INGEST =
  'Usage arrives through the ingest API: after connecting, create an ingest key for this account and send records to POST /api/v1/ingest/usage. The API key is optional; it is used to test the connection.';

const SYNCING: Partial<Record<ProviderId, Pick<ProviderInfo, 'credentialLabel' | 'help'>>> = {
  openai: {
    credentialLabel: 'Admin key',
    help: 'Use an organization Admin key: platform.openai.com → Settings → Organization → Admin keys. Project API keys cannot read usage and costs.',
  },
  anthropic: {
    credentialLabel: 'Admin key (sk-ant-admin…)',
    help: 'Use an Admin key, starting with sk-ant-admin: console.anthropic.com → Settings → Admin keys. Regular API keys cannot read usage and costs.',
  },
  openrouter: {
    credentialLabel: 'Management key',
    help: 'Use a management (provisioning) key: openrouter.ai → Settings → Provisioning keys. Regular API keys cannot read account activity.',
  },
};

const LABELS: Record<ProviderId, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openrouter: 'OpenRouter',
  groq: 'Groq',
  perplexity: 'Perplexity',
  mistral: 'Mistral',
  deepseek: 'DeepSeek',
  gemini: 'Google Gemini',
  xai: 'xAI',
  'azure-openai': 'Azure OpenAI',
  bedrock: 'Amazon Bedrock',
  custom: 'Custom / other',
};

export const PROVIDER_INFO: readonly ProviderInfo[] = PROVIDERS.map((id): ProviderInfo => {
  const syncing = SYNCING[id];
  return syncing
    ? { id, label: LABELS[id], syncs: true, ...syncing }
    : { id, label: LABELS[id], syncs: false, credentialLabel: 'API key (optional)', help: VIA_INGEST };
});

export function providerInfo(id: ProviderId): ProviderInfo {
  return (
    PROVIDER_INFO.find((info) => info.id === id) ?? {
      id,
      label: id,
      syncs: false,
      credentialLabel: 'API key (optional)',
      help: VIA_INGEST,
    }
  );
}

export const ACCOUNT_STATUS: Record<AccountStatus, { label: string; tone: ChipTone }> = {
  active: { label: 'Active', tone: 'success' },
  paused: { label: 'Paused', tone: 'warning' },
  disconnected: { label: 'Disconnected', tone: 'neutral' },
};

export const TEST_RESULT: Record<ConnectionTestResult, { label: string; tone: ChipTone }> = {
  ok: { label: 'Connected', tone: 'success' },
  invalid_key: { label: 'Invalid key', tone: 'error' },
  insufficient_scope: { label: 'Missing permission', tone: 'error' },
  unreachable: { label: 'Unreachable', tone: 'warning' },
  rate_limited: { label: 'Rate limited', tone: 'warning' },
  provider_error: { label: 'Provider error', tone: 'warning' },
  not_supported: { label: 'Not supported', tone: 'neutral' },
};
