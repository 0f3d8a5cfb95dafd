import { money, moneyString } from '@act/domain/pricing';
import type { ExportRow } from './export-rows';

/*
 * The three export formats, as pure functions of one row (plus a header / an envelope), so a
 * file is written row by row while the rows are read page by page.
 */

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)

/** Our CSV columns; the token and unit columns are named like the import template's. */
export const CSV_COLUMNS = [
  'day',
  'account_id',
  'account_name',
  'provider',
  'kind',
  'line',
  'model',
  'operation',
  'service_tier',
  'context_tier',
  'project',
  'source',
  'final',
  'status',
  'currency',
  'estimated',
  'reconciled',
  'difference',
  'price_version',
  'cost_version',
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
] as const;

const NUMBER = /^-?\d+(\.\d+)?$/;

/** One CSV field: quoted when it must be; `text` fields that a spreadsheet would run as a formula get a leading quote. */
export function csvField(value: string | number | boolean | null | undefined, text = false): string {
  if (value === null || value === undefined) return '';
  let out = String(value);
  if (text && /^[=+\-@\t\r]/.test(out) && !NUMBER.test(out)) out = `'${out}`;
  return /[",\r\n]|^\s|\s$/.test(out) ? `"${out.replace(/"/g, '""')}"` : out;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.join(',')}\r\n`;
}

export function difference(row: Pick<ExportRow, 'estimated' | 'reconciled'>): string | null {
  if (row.estimated === null || row.reconciled === null) return null;
  const value = money(row.reconciled).minus(row.estimated);
  return value.isZero() ? '0' : moneyString(value);
}

export function csvHeader(): string {
  return csvLine([...CSV_COLUMNS]);
}

export function csvRow(row: ExportRow): string {
  const t = row.tokens;
  const u = row.units;
  return csvLine([
    csvField(row.day),
    csvField(row.accountId),
    csvField(row.accountName, true),
    csvField(row.provider, true),
    csvField(row.kind),
    csvField(row.line, true),
    csvField(row.model, true),
    csvField(row.operation, true),
    csvField(row.serviceTier),
    csvField(row.contextTier),
    csvField(row.project, true),
    csvField(row.source),
    csvField(row.final),
    csvField(row.status),
    'USD',
    csvField(row.estimated),
    csvField(row.reconciled),
    csvField(difference(row)),
    csvField(row.priceSetId),
    csvField(row.costVersion),
    csvField(t?.inputUncached),
    csvField(t?.inputCachedRead),
    csvField(t?.cacheWrite5m),
    csvField(t?.cacheWrite1h),
    csvField(t?.output),
    csvField(t?.reasoning),
    csvField(u?.requests),
    csvField(u?.images),
    csvField(u?.audioSeconds),
    csvField(u?.characters),
    csvField(u?.searchQueries),
    csvField(u?.webSearchCalls),
  ]);
}

// ---------------------------------------------------------------------------------------------
// JSON

export interface ExportEnvelope {
  workspaceId: string;
  from: string;
  to: string;
  costVersion: number;
  generatedAt: string;
}

/** `{"workspaceId":…, …, "currency":"USD", "rows":[` — rows follow, then `jsonTail()`. */
export function jsonHead(envelope: ExportEnvelope): string {
  const head = JSON.stringify({ ...envelope, currency: 'USD' });
  return `${head.slice(0, -1)},"rows":[\n`;
}

/** JSON keys in this order; `dayBilled` is how FOCUS rows are derived, not a figure of the row. */
const JSON_KEYS: readonly (keyof ExportRow)[] = [
  'kind', 'day', 'accountId', 'accountName', 'provider', 'line', 'model', 'operation', 'serviceTier', 'contextTier', 'project',
  'source', 'final', 'status', 'estimated', 'reconciled', 'priceSetId', 'costVersion', 'tokens', 'units',
];

export function jsonRow(row: ExportRow, first: boolean): string {
  const out: Record<string, unknown> = {};
  for (const key of JSON_KEYS) out[key] = row[key];
  out['currency'] = 'USD';
  out['difference'] = difference(row);
  return `${first ? '' : ',\n'}${JSON.stringify(out)}`;
}

export function jsonTail(rows: number): string {
  return `\n],"rowCount":${rows}}\n`;
}

// ---------------------------------------------------------------------------------------------
// FOCUS

export const FOCUS_VERSION = '1.2';

/**
 * FOCUS 1.2 Cost and Usage columns, FOCUS columns first (in the specification's alphabetical
 * order), then our custom ones (x_ prefix), as the column-handling attribute asks.
 */
export const FOCUS_COLUMNS = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
  'SkuId',
  'x_AccountId',
  'x_CostStatus',
  'x_PriceVersion',
  'x_Source',
  'x_Model',
  'x_Project',
  'x_CostVersion',
  'x_EstimatedCost',
  'x_ReconciledCost',
  'x_InputTokens',
  'x_CachedInputTokens',
  'x_CacheWrite5mTokens',
  'x_CacheWrite1hTokens',
  'x_OutputTokens',
  'x_ReasoningTokens',
] as const;

export type FocusColumn = (typeof FOCUS_COLUMNS)[number];

/** How providers are named in FOCUS's provider columns. */
const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openrouter: 'OpenRouter',
  groq: 'Groq',
  perplexity: 'Perplexity',
  mistral: 'Mistral AI',
  deepseek: 'DeepSeek',
  gemini: 'Google',
  xai: 'xAI',
  'azure-openai': 'Microsoft',
  bedrock: 'Amazon Web Services',
  custom: 'Custom',
};

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

const instant = (day: string) => `${day}T00:00:00Z`;

function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function monthBounds(day: string): { start: string; end: string } {
  const [y, m] = day.slice(0, 7).split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { start: `${day.slice(0, 7)}-01`, end: `${next}-01` };
}

/** What was consumed, in the unit it was measured in: tokens, else the first other unit used, else requests. */
function consumed(row: ExportRow): { quantity: string; unit: string } {
  if (row.kind === 'billed' || !row.tokens || !row.units) return { quantity: '1', unit: 'Line Items' };
  const t = row.tokens;
  const tokens = t.inputUncached + t.inputCachedRead + t.cacheWrite5m + t.cacheWrite1h + t.output + t.reasoning;
  if (tokens > 0) return { quantity: String(tokens), unit: 'Tokens' };
  const u = row.units;
  for (const [value, unit] of [
    [u.images, 'Images'],
    [u.audioSeconds, 'Seconds'],
    [u.characters, 'Characters'],
    [u.searchQueries, 'Queries'],
    [u.webSearchCalls, 'Calls'],
    [u.requests, 'Requests'],
  ] as const) {
    if (value > 0) return { quantity: String(value), unit };
  }
  return { quantity: '0', unit: 'Tokens' };
}

function description(row: ExportRow): string {
  if (row.kind === 'billed') return `Billed by ${providerName(row.provider)}: ${row.line}`;
  const tier = row.serviceTier && row.serviceTier !== 'standard' ? `, ${row.serviceTier} tier` : '';
  const context = row.contextTier && row.contextTier !== 'standard' ? `, ${row.contextTier} context` : '';
  const project = row.project ? `, project ${row.project}` : '';
  return `${row.model ?? row.line} ${row.operation ?? 'usage'}${tier}${context}${project}`;
}

/**
 * One FOCUS row (values as strings; null = empty). ListCost is our estimate from the price
 * catalogue (0 when there is none: an unpriced row, or a billed line — x_CostStatus tells
 * which); BilledCost is what the provider billed where reconciled, else the estimate, and 0 on
 * usage rows of a day the provider billed through billed lines (those lines carry the bill), so
 * the file's BilledCost adds up to the workspace's cost; EffectiveCost = BilledCost (no
 * amortized commitments); ContractedCost = ListCost (no negotiated prices are known).
 */
export function focusRecord(row: ExportRow): Record<FocusColumn, string | null> {
  const list = row.kind === 'usage' ? (row.estimated ?? '0') : '0';
  const billed = row.reconciled ?? (row.kind === 'usage' && !row.dayBilled ? (row.estimated ?? '0') : '0');
  const period = monthBounds(row.day);
  const { quantity, unit } = consumed(row);
  const name = providerName(row.provider);
  return {
    BilledCost: billed,
    BillingAccountId: row.accountId,
    BillingAccountName: row.accountName ?? row.accountId,
    BillingCurrency: 'USD',
    BillingPeriodEnd: instant(period.end),
    BillingPeriodStart: instant(period.start),
    ChargeCategory: 'Usage',
    ChargeClass: null,
    ChargeDescription: description(row),
    ChargeFrequency: 'Usage-Based',
    ChargePeriodEnd: instant(dayAfter(row.day)),
    ChargePeriodStart: instant(row.day),
    ConsumedQuantity: quantity,
    ConsumedUnit: unit,
    ContractedCost: list,
    EffectiveCost: billed,
    InvoiceIssuerName: name,
    ListCost: list,
    PricingQuantity: quantity,
    PricingUnit: unit,
    ProviderName: name,
    PublisherName: name,
    ServiceCategory: 'AI and Machine Learning',
    ServiceName: name,
    SkuId: row.line,
    x_AccountId: row.accountId,
    x_CostStatus: row.status,
    x_PriceVersion: row.priceSetId,
    x_Source: row.source,
    x_Model: row.model,
    x_Project: row.project,
    x_CostVersion: String(row.costVersion),
    x_EstimatedCost: row.estimated,
    x_ReconciledCost: row.reconciled,
    x_InputTokens: row.tokens ? String(row.tokens.inputUncached) : null,
    x_CachedInputTokens: row.tokens ? String(row.tokens.inputCachedRead) : null,
    x_CacheWrite5mTokens: row.tokens ? String(row.tokens.cacheWrite5m) : null,
    x_CacheWrite1hTokens: row.tokens ? String(row.tokens.cacheWrite1h) : null,
    x_OutputTokens: row.tokens ? String(row.tokens.output) : null,
    x_ReasoningTokens: row.tokens ? String(row.tokens.reasoning) : null,
  };
}

export function focusHeader(): string {
  return csvLine([...FOCUS_COLUMNS]);
}

/** A FOCUS row as CSV: values as they are (no spreadsheet-formula guard: FOCUS files are read by tools), nulls empty. */
export function focusRow(row: ExportRow): string {
  const record = focusRecord(row);
  return csvLine(FOCUS_COLUMNS.map((column) => csvField(record[column])));
}
