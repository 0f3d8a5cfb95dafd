import type { Position } from './health';

export const PROVIDERS = [
  'openai',
  'anthropic',
  'openrouter',
  'groq',
  'perplexity',
  'mistral',
  'deepseek',
  'gemini',
  'xai',
  'azure-openai',
  'bedrock',
  'custom',
] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export type AccountStatus = 'active' | 'paused' | 'disconnected';

/** Typed outcome of `POST …/accounts/{id}/test`. */
export const CONNECTION_TEST_RESULTS = [
  'ok',
  'invalid_key',
  'insufficient_scope',
  'unreachable',
  'rate_limited',
  'provider_error',
  'not_supported',
] as const;
export type ConnectionTestResult = (typeof CONNECTION_TEST_RESULTS)[number];

export interface ConnectionTestDto {
  result: ConnectionTestResult;
  /** A sentence for the user: what happened and what to do. */
  message: string;
  checkedAt: string;
  /** The provider's HTTP status, when it answered. */
  httpStatus: number | null;
  /** What was called, e.g. `GET /v1/organization/projects?limit=1`. */
  endpoint: string | null;
}

export interface AccountDto {
  id: string;
  provider: ProviderId;
  displayName: string;
  /** A masked hint of the credential, like `sk-…a1b2`; the credential itself is never returned. */
  credentialHint: string | null;
  baseUrl: string | null;
  /** Decimal string in `currency`, or null. */
  monthlyBudget: string | null;
  currency: 'USD';
  syncEnabled: boolean;
  status: AccountStatus;
  connectedAt: string;
  lastTest: ConnectionTestDto | null;
}

/** `POST /workspaces/{ws}/accounts` */
export interface ConnectAccountRequest {
  provider: ProviderId;
  displayName: string;
  /** Admin / management key where the provider has a usage API. Optional for providers without one. */
  credentials?: string;
  baseUrl?: string;
  /** Decimal string, e.g. "250.00". */
  monthlyBudget?: string;
  syncEnabled?: boolean;
}

/** `PATCH /workspaces/{ws}/accounts/{id}`: rename, rotate credentials, settings, pause/resume. */
export interface UpdateAccountRequest {
  displayName?: string;
  credentials?: string;
  baseUrl?: string | null;
  monthlyBudget?: string | null;
  syncEnabled?: boolean;
}

export interface AccountWriteResponse {
  account: AccountDto;
  position: Position;
}

export interface IngestKeyDto {
  id: string;
  name: string;
  accountId: string;
  /** e.g. `act_ik_…9f3c` */
  hint: string;
  createdAt: string;
  revokedAt: string | null;
}

/** `POST /workspaces/{ws}/ingest-keys` */
export interface CreateIngestKeyRequest {
  accountId: string;
  name: string;
}

/** The key is shown this once; only its hash is stored. */
export interface CreatedIngestKeyDto extends IngestKeyDto {
  key: string;
  position: Position;
}
