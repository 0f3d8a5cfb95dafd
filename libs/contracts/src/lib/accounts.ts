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

/** Answer of `POST …/accounts/{id}/test`: the outcome, recorded as an event at `position`. */
export interface ConnectionTestResponse extends ConnectionTestDto {
  position: Position;
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
  /** Why the account needs attention (e.g. the product paused it after the provider refused the key); null when healthy. */
  attention?: string | null;
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

/** One sync run of an account (`GET …/accounts/{id}/sync-runs`, newest first). */
export interface SyncRunDto {
  id: string;
  kind: 'scheduled' | 'manual';
  status: 'running' | 'succeeded' | 'failed';
  /** Days asked for, `YYYY-MM-DD`, both included. */
  from: string;
  to: string;
  /** Progress: days recorded of the days the run reads. */
  daysDone: number;
  daysTotal: number;
  /** While running: what is being read right now, e.g. `usage/completions page 3`. */
  currentStep: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** New observations recorded (re-reading unchanged data adds none). */
  appended: number;
  requests: number;
  /** Days the provider may still revise. */
  pendingDays: string[];
  warnings: string[];
  /** Why it failed: `auth`, `permission`, `rate_limited`, `transient`, `provider_schema_changed`, `unreachable`, … */
  error: { category: string; code: string; message: string } | null;
  /**
   * The prepaid credit balance the run read after the usage (OpenRouter), or why it could not (the run still
   * succeeded); null when the run read none (other providers, failed or running runs, runs before balances).
   */
  balance?: SyncRunBalanceDto | null;
}

/** A balance read of a sync run: money as decimal strings in `currency`. */
export type SyncRunBalanceDto =
  | {
      status: 'read';
      /** Credits purchased, in total. */
      totalCredits: string;
      /** Credits used, in total. */
      totalUsage: string;
      /** `totalCredits − totalUsage`, exact; negative when the account is overdrawn. */
      remaining: string;
      currency: 'USD';
      readAt: string;
    }
  | {
      status: 'unavailable';
      /** The typed reason, as in `SyncRunDto.error`. */
      error: { category: string; code: string; message: string };
      readAt: string;
    };

/** The latest balance a sync run read (`GET …/accounts/{id}/balance`). */
export interface CreditBalanceDto {
  totalCredits: string;
  totalUsage: string;
  remaining: string;
  currency: 'USD';
  /** When the provider was asked. */
  readAt: string;
  /** The sync run that read it. */
  runId: string;
}

/** `GET /workspaces/{ws}/accounts/{id}/balance`: the account's prepaid credit balance, as the latest sync runs read it. */
export interface AccountBalanceDto {
  accountId: string;
  /** Whether the provider has a balance we read (OpenRouter's credits); false: `balance` and `unavailable` stay null. */
  supported: boolean;
  /** The latest balance read; null until a run has read one. */
  balance: CreditBalanceDto | null;
  /** Set when the latest attempt failed: `balance` is then from an earlier run (or null). */
  unavailable: { category: string; code: string; message: string; at: string; runId: string } | null;
}

/** Answer of `POST …/accounts/{id}/sync`. */
export interface SyncStartedDto {
  runId: string | null;
  /** `started`, or `already-running` when another run holds the account. */
  state: 'started' | 'already-running';
}
