/**
 * Shapes of the manual-entry and CSV-import endpoints (libs/server/ingest, documented in the
 * OpenAPI document). They are not in `@act/contracts` yet, so they are mirrored here.
 */

export interface TokenCounts {
  inputUncached: number;
  inputCachedRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  reasoning: number;
}

export interface UnitCounts {
  requests: number;
  images: number;
  audioSeconds: number;
  characters: number;
  searchQueries: number;
  webSearchCalls: number;
}

export interface ManualEntryDto {
  id: string;
  accountId: string;
  provider: string;
  day: string;
  model: string;
  operation: string;
  serviceTier: string;
  contextTier: string;
  project: string | null;
  requestType: string;
  tokens: TokenCounts;
  units: UnitCounts;
  amount: string | null;
  currency: 'USD';
  recordedAt: string;
}

export interface ManualEntryWriteDto extends ManualEntryDto {
  position: string;
}

export interface CreateManualEntryRequest {
  accountId: string;
  day: string;
  model: string;
  project?: string;
  tokens?: Partial<TokenCounts>;
  units?: Partial<UnitCounts>;
  amount?: string;
  currency?: 'USD';
}

/**
 * `PATCH …/manual-entries/{id}`: only the numbers change (account, day, model and project are the
 * entry's key). The token classes and units given replace the entry's, the others stay; `amount:
 * null` removes the amount.
 */
export interface UpdateManualEntryRequest {
  tokens?: Partial<TokenCounts>;
  units?: Partial<UnitCounts>;
  amount?: string | null;
  currency?: 'USD';
}

export interface ManualEntryPage {
  items: ManualEntryDto[];
  nextCursor: string | null;
}

export interface ImportProblem {
  /** Line of the file (1 = the header). */
  line: number;
  column: string | null;
  message: string;
}

export interface ImportReportDto {
  importId: string | null;
  dryRun: boolean;
  applied: boolean;
  format: string;
  fileSha256: string;
  rows: { read: number; valid: number; invalid: number };
  observations: { created: number; changed: number; unchanged: number };
  problems: ImportProblem[];
  /** All the problems the file has; `problems` lists the first 1,000. */
  problemCount: number;
  position: string | null;
}

/** Our CSV template's columns (`date`, `account_id` and `model` required). */
export const IMPORT_TEMPLATE_COLUMNS = [
  'date',
  'account_id',
  'provider',
  'model',
  'operation',
  'service_tier',
  'context_tier',
  'project',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'reasoning_tokens',
  'requests',
  'images',
  'audio_seconds',
  'characters',
  'search_queries',
  'web_searches',
  'cost',
  'currency',
] as const;
