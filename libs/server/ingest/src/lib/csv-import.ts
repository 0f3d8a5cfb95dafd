import {
  isCalendarDay,
  LedgerDecimal,
  observeUsage,
  OPERATIONS,
  parseAmount,
  reportCost,
  type CostReportInput,
  type UsageLedgerEvent,
  type UsageObservationInput,
} from '@act/domain/usage';
import type { CsvRecord } from './csv';

export type ImportFormat = 'template' | 'azure' | 'aws' | 'openai-usage' | 'openai-costs';

/** Every format the importer reads, for `?format=` and the web page's list. */
export const IMPORT_FORMATS: readonly ImportFormat[] = ['template', 'azure', 'aws', 'openai-usage', 'openai-costs'];

/** A human name of each format, for messages. */
const FORMAT_NAME: Record<Exclude<ImportFormat, 'template'>, string> = {
  azure: 'Azure Cost Management',
  aws: 'AWS Cost Explorer',
  'openai-usage': 'OpenAI usage (completions)',
  'openai-costs': 'OpenAI costs',
};

export interface ImportProblem {
  readonly line: number;
  readonly column: string | null;
  readonly message: string;
}

/** What the importer needs to know of an account. */
export interface ImportAccount {
  readonly provider: string;
  readonly disconnected: boolean;
}

/** One row (or group of rows) ready to become an observation once its `observedAt` is known. */
export type ImportCandidate =
  | { readonly kind: 'usage'; readonly lines: readonly number[]; readonly input: Omit<UsageObservationInput, 'observedAt' | 'final'> }
  | { readonly kind: 'cost'; readonly lines: readonly number[]; readonly input: Omit<CostReportInput, 'observedAt' | 'final'> };

/**
 * Our template: one row per (account, day, model, operation, tier, project), the day's total.
 * Token columns are disjoint classes, like the ledger's: `input_tokens` is the input billed at
 * the plain input price (cached input and cache writes NOT included).
 */
export const TEMPLATE_COLUMNS = [
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
const REQUIRED_TEMPLATE = ['date', 'account_id', 'model'];

const TOKEN_COLUMNS = {
  input_tokens: 'inputUncached',
  cached_input_tokens: 'inputCachedRead',
  cache_write_5m_tokens: 'cacheWrite5m',
  cache_write_1h_tokens: 'cacheWrite1h',
  output_tokens: 'output',
  reasoning_tokens: 'reasoning',
} as const;
const UNIT_COLUMNS = {
  requests: 'requests',
  images: 'images',
  audio_seconds: 'audioSeconds',
  characters: 'characters',
  search_queries: 'searchQueries',
  web_searches: 'webSearchCalls',
} as const;

/** Observation field paths (from `observeUsage`) back to the column a user wrote. */
const COLUMN_OF_PATH: Record<string, string> = {
  day: 'date',
  accountId: 'account_id',
  provider: 'provider',
  model: 'model',
  operation: 'operation',
  serviceTier: 'service_tier',
  contextTier: 'context_tier',
  project: 'project',
  'reportedCost.amount': 'cost',
  'reportedCost.currency': 'currency',
  ...Object.fromEntries(Object.entries(TOKEN_COLUMNS).map(([column, cls]) => [`tokens.${cls}`, column])),
  ...Object.fromEntries(Object.entries(UNIT_COLUMNS).map(([column, unit]) => [`units.${unit}`, column])),
};

const AZURE_DATE = ['date', 'usagedate', 'usagedatetime', 'billingperiodstartdate'];
const AZURE_COST = ['costinbillingcurrency', 'cost', 'pretaxcost', 'costinusd', 'extendedcost'];
const AZURE_CURRENCY = ['billingcurrency', 'billingcurrencycode', 'currency', 'currencycode'];
const AZURE_DESCRIPTION = ['metername', 'meter', 'productname', 'product'];

/*
 * The OpenAI platform's usage page exports (Usage dashboard → Export, owners only, up to 60 days,
 * UTC, per OpenAI's help-center article "Understanding your API usage"). OpenAI does not
 * document the files' columns. What we read is the layout seen in a published export of the
 * Cost and the Activity (completions) views: the Usage and Costs API result fields flattened,
 * one row per bucket and group, with both Unix and ISO bucket bounds:
 *   costs:  start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name
 *   usage:  start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,
 *           input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,input_text_tokens,output_text_tokens,… (audio, image)
 * Counts are written as decimals ("59200.0"), batch as TRUE/FALSE, and a bucket without usage
 * is a row whose value columns are all empty. So detection needs only the columns named in the
 * API reference too (start_time, num_model_requests, input_tokens, output_tokens / amount_value),
 * and other columns are ignored: a column added later does not break the import. The token
 * arithmetic is the connector's (input_tokens includes cached input and cache writes).
 */
const OPENAI_USAGE_REQUIRED = ['start_time', 'num_model_requests', 'input_tokens', 'output_tokens'];
const OPENAI_COSTS_REQUIRED = ['start_time', 'amount_value'];
/** OpenAI's service tiers → ours, as the connector maps them (`scale` is billed as standard). */
const OPENAI_TIERS: Readonly<Record<string, 'standard' | 'priority' | 'flex'>> = {
  default: 'standard',
  auto: 'standard',
  standard: 'standard',
  scale: 'standard',
  priority: 'priority',
  flex: 'flex',
};

export const MAX_PROBLEMS = 1000;

function squash(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]/g, '');
}

/** Recognizes a file's layout from its header row. */
export function detectFormat(header: readonly string[]): ImportFormat | null {
  const names = header.map((h) => h.trim().toLowerCase());
  if (['date', 'account_id', 'model'].every((n) => names.includes(n))) return 'template';
  if (OPENAI_USAGE_REQUIRED.every((n) => names.includes(n))) return 'openai-usage';
  if (OPENAI_COSTS_REQUIRED.every((n) => names.includes(n))) return 'openai-costs';
  const squashed = header.map(squash);
  if (squashed.some((n) => AZURE_DESCRIPTION.slice(0, 2).includes(n)) && squashed.some((n) => AZURE_COST.includes(n))) return 'azure';
  if (header.length >= 2 && header.slice(1).some((h) => /\(\$\)\s*$/.test(h))) return 'aws';
  return null;
}

/**
 * Turns CSV records into observation candidates, collecting every problem with its line and
 * column. Fed one record at a time (the file is streamed); `finish` returns the result.
 * Rows are checked on their own and against each other: two template rows for the same key
 * (account, day, requestType) are refused (the second names the first), because a key holds
 * one total and either row alone would silently win.
 */
export class ImportReader {
  private header: string[] | null = null;
  private format: ImportFormat | null = null;
  private readonly problems: ImportProblem[] = [];
  private problemCount = 0;
  private rowsRead = 0;
  private invalidRows = 0;
  private readonly usage = new Map<string, ImportCandidate & { kind: 'usage' }>();
  private readonly costs = new Map<string, { lines: number[]; amount: InstanceType<typeof LedgerDecimal>; day: string; description: string; project: string | null; raw: unknown[] }>();
  /** OpenAI usage rows summed per key: an hourly (or per-user, per-key) export has several rows per day and key. */
  private readonly openaiUsage = new Map<
    string,
    { lines: number[]; input: Omit<UsageObservationInput, 'observedAt' | 'final' | 'tokens' | 'units'>; tokens: Record<string, number>; units: Record<string, number>; raw: unknown[] }
  >();
  private readonly accountCache = new Map<string, Promise<ImportAccount | null>>();

  constructor(
    private readonly workspaceId: string,
    private readonly options: {
      readonly format: ImportFormat | 'auto';
      /** The account of the Azure / AWS rows (their files name no account of ours). */
      readonly accountId?: string;
      /** The server's today (UTC): days after it are refused. */
      readonly today: string;
      readonly findAccount: (accountId: string) => Promise<ImportAccount | null>;
    },
  ) {}

  get detectedFormat(): ImportFormat | null {
    return this.format;
  }

  async push(record: CsvRecord): Promise<void> {
    if (this.header === null) return this.readHeader(record);
    if (this.format === null) return;
    if (record.fields.every((f) => f.trim() === '')) return;
    this.rowsRead += 1;
    const before = this.problemCount;
    if (record.fields.length !== this.header.length) {
      this.problem(record.line, null, `This row has ${record.fields.length} fields but the header has ${this.header.length}: check for a missing comma or an unquoted comma inside a value.`);
    } else if (this.format === 'template') await this.templateRow(record);
    else if (this.format === 'azure') await this.azureRow(record);
    else if (this.format === 'openai-usage') this.openaiUsageRow(record);
    else if (this.format === 'openai-costs') this.openaiCostRow(record);
    else await this.awsRow(record);
    if (this.problemCount > before) this.invalidRows += 1;
  }

  finish(): {
    format: ImportFormat | null;
    candidates: ImportCandidate[];
    /** The first MAX_PROBLEMS problems, by line. */
    problems: ImportProblem[];
    /** How many problems the file has in all (more than `problems` holds when it is cut off). */
    problemCount: number;
    rows: { read: number; valid: number; invalid: number };
  } {
    if (this.header === null) this.problem(1, null, 'The file is empty: the first line must be the header.');
    else if (this.format !== null && this.rowsRead === 0) this.problem(2, null, 'The file has a header but no rows.');
    const candidates: ImportCandidate[] = [...this.usage.values()];
    for (const group of this.openaiUsage.values()) {
      const input = { ...group.input, tokens: group.tokens, units: group.units, raw: { import: this.format, lines: group.lines, rows: group.raw.slice(0, 50) } };
      const checked = observeUsage({ ...input, observedAt: `${input.day}T00:00:00.000Z`, final: false });
      if (checked.ok) candidates.push({ kind: 'usage', lines: group.lines, input });
      else for (const p of checked.problems) this.problem(group.lines[0], null, p.message);
    }
    for (const cost of this.costs.values()) {
      const amount = cost.amount.isZero() ? '0' : cost.amount.toFixed();
      const candidate: ImportCandidate = {
        kind: 'cost',
        lines: cost.lines,
        input: {
          workspaceId: this.workspaceId,
          accountId: this.options.accountId ?? '',
          day: cost.day,
          provider: this.costProvider,
          description: cost.description,
          ...(cost.project === null ? {} : { project: cost.project }),
          amount,
          currency: 'USD',
          raw: { import: this.format, lines: cost.lines, rows: cost.raw.slice(0, 50) },
          source: 'import',
        },
      };
      const checked = reportCost({ ...candidate.input, observedAt: `${cost.day}T00:00:00.000Z`, final: false });
      if (checked.ok) candidates.push(candidate);
      else for (const p of checked.problems) this.problem(cost.lines[0], null, p.message);
    }
    return {
      format: this.format,
      candidates,
      problems: this.problems,
      problemCount: this.problemCount,
      rows: { read: this.rowsRead, valid: this.rowsRead - this.invalidRows, invalid: this.invalidRows },
    };
  }

  private costProvider = '';

  private problem(line: number, column: string | null, message: string): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ line, column, message });
  }

  private account(accountId: string): Promise<ImportAccount | null> {
    let found = this.accountCache.get(accountId);
    if (!found) {
      found = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(accountId) ? this.options.findAccount(accountId) : Promise.resolve(null);
      this.accountCache.set(accountId, found);
    }
    return found;
  }

  private async readHeader(record: CsvRecord): Promise<void> {
    this.header = record.fields.map((f) => f.trim());
    const detected = detectFormat(this.header);
    const wanted = this.options.format;
    if (wanted !== 'auto' && detected !== wanted) {
      return this.problem(record.line, null, `The header does not look like the ${wanted} format${wanted === 'template' ? `: it needs the columns ${REQUIRED_TEMPLATE.join(', ')}` : ''}.`);
    }
    if (detected === null) {
      return this.problem(
        record.line,
        null,
        `The header is not one we know. Our template's columns are ${TEMPLATE_COLUMNS.join(',')} (date, account_id and model required); Azure Cost Management exports (MeterName, CostInBillingCurrency…), AWS Cost Explorer CSV downloads and the OpenAI usage page's exports (completions activity: start_time, num_model_requests, input_tokens, output_tokens…; costs: start_time, amount_value…) are read too.`,
      );
    }
    if (detected === 'template') {
      const names = this.header.map((h) => h.toLowerCase());
      const seen = new Set<string>();
      for (const name of names) {
        if (!(TEMPLATE_COLUMNS as readonly string[]).includes(name)) {
          this.problem(record.line, name, `"${name}" is not a column of the template. Columns: ${TEMPLATE_COLUMNS.join(', ')}.`);
        } else if (seen.has(name)) this.problem(record.line, name, `The column "${name}" appears twice.`);
        seen.add(name);
      }
      this.header = names;
      if (this.problemCount > 0) return;
    } else {
      const accountId = this.options.accountId;
      if (!accountId) return this.problem(record.line, null, `A ${FORMAT_NAME[detected]} export names no account of ours: pass ?accountId= with the account its ${detected === 'openai-usage' ? 'usage' : 'costs'} belong${detected === 'openai-usage' ? 's' : ''} to.`);
      const account = await this.account(accountId);
      if (!account) return this.problem(record.line, null, `There is no account ${accountId} in this workspace.`);
      if (account.disconnected) return this.problem(record.line, null, `The account ${accountId} is disconnected: its usage can no longer change.`);
      if ((detected === 'openai-usage' || detected === 'openai-costs') && account.provider !== 'openai') {
        return this.problem(record.line, null, `An ${FORMAT_NAME[detected]} export belongs to an OpenAI account; ${accountId} is a ${account.provider} account.`);
      }
      this.costProvider = account.provider;
      if (detected === 'azure') {
        const squashed = this.header.map(squash);
        for (const [what, names] of [['date', AZURE_DATE], ['cost', AZURE_COST], ['meter', AZURE_DESCRIPTION]] as const) {
          if (!squashed.some((n) => names.includes(n))) this.problem(record.line, null, `The Azure export has no ${what} column (one of ${names.join(', ')}).`);
        }
        if (this.problemCount > 0) return;
      }
      if (detected === 'openai-usage' || detected === 'openai-costs') {
        this.header = this.header.map((h) => h.toLowerCase());
        if (!this.header.includes('model') && detected === 'openai-usage') {
          return this.problem(record.line, null, 'The OpenAI usage export has no model column: export it grouped by model, since the price depends on it.');
        }
      }
    }
    this.format = detected;
  }

  private async templateRow(record: CsvRecord): Promise<void> {
    const header = this.header as string[];
    const value = (column: string): string => {
      const index = header.indexOf(column);
      return index < 0 ? '' : (record.fields[index] ?? '').trim();
    };
    const line = record.line;
    let ok = true;
    const fail = (column: string | null, message: string) => {
      ok = false;
      this.problem(line, column, message);
    };
    for (const column of REQUIRED_TEMPLATE) if (value(column) === '') fail(column, `${column} is required.`);
    const day = value('date');
    if (day !== '' && !isCalendarDay(day)) fail('date', `date must be a day written YYYY-MM-DD (UTC), such as 2026-03-05; got "${day}".`);
    else if (day > this.options.today) fail('date', `date ${day} is in the future: today is ${this.options.today} (UTC).`);
    const accountId = value('account_id');
    let account: ImportAccount | null = null;
    if (accountId !== '') {
      account = await this.account(accountId);
      if (!account) fail('account_id', `There is no account ${accountId} in this workspace.`);
      else if (account.disconnected) fail('account_id', `The account ${accountId} is disconnected: its usage can no longer change.`);
    }
    const provider = value('provider').toLowerCase();
    if (account && provider !== '' && provider !== account.provider) fail('provider', `provider is "${provider}" but the account ${accountId} is a ${account.provider} account: leave provider empty or write ${account.provider}.`);
    const operation = value('operation') || 'chat/completions';
    if (!(OPERATIONS as readonly string[]).includes(operation)) fail('operation', `operation must be one of ${OPERATIONS.join(', ')}; got "${operation}".`);
    const counts = (columns: Record<string, string>): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const [column, name] of Object.entries(columns)) {
        const text = value(column);
        if (text === '') continue;
        if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
          fail(column, `${column} must be a whole number of at least 0 (no separators); got "${text}".`);
          continue;
        }
        out[name] = Number(text);
      }
      return out;
    };
    const tokens = counts(TOKEN_COLUMNS);
    const units = counts(UNIT_COLUMNS);
    const costText = value('cost');
    const currency = value('currency').toUpperCase();
    let cost: string | null = null;
    if (costText !== '') {
      const parsed = parseAmount(costText);
      if (!parsed.ok || parsed.value.startsWith('-')) fail('cost', `cost must be a decimal amount of at least 0 with a dot, such as 12.50; got "${costText}".`);
      else cost = parsed.value;
    }
    if (currency !== '' && currency !== 'USD') fail('currency', `currency must be USD (or empty), the only currency supported so far; got "${value('currency')}".`);
    if (ok && cost === null && [...Object.values(tokens), ...Object.values(units)].every((n) => n === 0)) {
      fail(null, 'This row has no token count, unit or cost above 0: leave it out, or fill in what was used.');
    }
    if (!ok || !account) return;
    const input: Omit<UsageObservationInput, 'observedAt' | 'final'> = {
      workspaceId: this.workspaceId,
      accountId,
      day,
      provider: account.provider,
      model: value('model'),
      operation,
      serviceTier: value('service_tier') || undefined,
      contextTier: value('context_tier') || undefined,
      project: value('project') || null,
      tokens,
      units,
      raw: { import: 'template', line },
      source: 'import',
      reportedCost: cost === null ? null : { amount: cost, currency: 'USD' },
    };
    const checked = observeUsage({ ...input, observedAt: `${day}T00:00:00.000Z`, final: false });
    if (!checked.ok) {
      for (const p of checked.problems) this.problem(line, COLUMN_OF_PATH[p.path] ?? p.path, p.message.replace(p.path, COLUMN_OF_PATH[p.path] ?? p.path));
      return;
    }
    const key = checked.value.data;
    const keyId = JSON.stringify([key.accountId, key.day, key.requestType]);
    const earlier = this.usage.get(keyId);
    if (earlier) {
      this.problem(line, null, `This row is for the same account, date, model, operation, tiers and project as line ${earlier.lines[0]}: a day has one total per key, so combine the two rows.`);
      return;
    }
    this.usage.set(keyId, { kind: 'usage', lines: [line], input });
  }

  private azureRow(record: CsvRecord): void {
    const header = (this.header as string[]).map(squash);
    const pick = (names: readonly string[]): { column: string; value: string } | null => {
      for (const name of names) {
        const index = header.indexOf(name);
        if (index >= 0) return { column: (this.header as string[])[index], value: (record.fields[index] ?? '').trim() };
      }
      return null;
    };
    const date = pick(AZURE_DATE);
    const cost = pick(AZURE_COST);
    const currency = pick(AZURE_CURRENCY);
    const meter = pick(AZURE_DESCRIPTION);
    const day = date ? parseCloudDate(date.value) : null;
    let ok = true;
    const fail = (column: string | null, message: string) => {
      ok = false;
      this.problem(record.line, column, message);
    };
    if (!day) fail(date?.column ?? null, `${date?.column ?? 'Date'} must be a date (YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD); got "${date?.value ?? ''}".`);
    else if (day > this.options.today) fail(date?.column ?? null, `${day} is in the future: today is ${this.options.today} (UTC).`);
    const amount = cost ? parseAmount(cost.value) : null;
    if (!amount?.ok) fail(cost?.column ?? null, `${cost?.column ?? 'Cost'} must be a decimal amount with a dot; got "${cost?.value ?? ''}".`);
    const code = (currency?.value ?? '').toUpperCase();
    if (cost && squash(cost.column) !== 'costinusd' && code !== '' && code !== 'USD') fail(currency?.column ?? null, `Only USD costs can be imported so far; this row is in ${code}.`);
    if (!meter || meter.value === '') fail(meter?.column ?? null, 'The meter name is empty.');
    if (!ok || !day || !amount?.ok || !meter) return;
    this.addCost(day, meter.value.slice(0, 500), amount.value, record.line, Object.fromEntries((this.header as string[]).map((h, i) => [h, record.fields[i]])));
  }

  private awsRow(record: CsvRecord): void {
    const header = this.header as string[];
    const first = (record.fields[0] ?? '').trim();
    if (/total$/i.test(first)) return; // "Service total": the sums of the columns
    const day = parseCloudDate(first);
    if (!day) return this.problem(record.line, header[0], `The first column must be a date (YYYY-MM-DD); got "${first}".`);
    if (day > this.options.today) return this.problem(record.line, header[0], `${day} is in the future: today is ${this.options.today} (UTC).`);
    for (let i = 1; i < header.length; i++) {
      const name = header[i].replace(/\(\$\)\s*$/, '').trim();
      if (/^total\b/i.test(name)) continue;
      const text = (record.fields[i] ?? '').trim();
      if (text === '') continue;
      const amount = parseAmount(text);
      if (!amount.ok) {
        this.problem(record.line, header[i], `${header[i]} must be a decimal amount with a dot; got "${text}".`);
        continue;
      }
      if (amount.value === '0') continue;
      this.addCost(day, name.slice(0, 500) || header[i], amount.value, record.line, { [header[i]]: text });
    }
  }

  /** A field of an OpenAI export row by (lower-cased) column name; '' when the column is absent. */
  private openaiField(record: CsvRecord, column: string): string {
    const index = (this.header as string[]).indexOf(column);
    return index < 0 ? '' : (record.fields[index] ?? '').trim();
  }

  /** The UTC day of an OpenAI export row's bucket, from start_time_iso or else the Unix start_time. */
  private openaiDay(record: CsvRecord): string | null {
    const iso = this.openaiField(record, 'start_time_iso');
    const seconds = this.openaiField(record, 'start_time');
    let day: string | null = null;
    if (iso !== '') {
      const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})$/.exec(iso);
      const instant = match ? Date.parse(iso) : NaN;
      day = Number.isNaN(instant) ? null : new Date(instant).toISOString().slice(0, 10);
    } else if (/^\d{1,12}(\.0+)?$/.test(seconds)) {
      day = new Date(Number(seconds.split('.')[0]) * 1000).toISOString().slice(0, 10);
    }
    if (day === null) {
      this.problem(record.line, iso !== '' ? 'start_time_iso' : 'start_time', `The bucket start must be an ISO instant (start_time_iso) or Unix seconds (start_time); got "${iso || seconds}".`);
      return null;
    }
    if (day > this.options.today) {
      this.problem(record.line, 'start_time', `${day} is in the future: today is ${this.options.today} (UTC).`);
      return null;
    }
    return day;
  }

  /** A count as the export writes it: a whole number, possibly with a ".0" decimal part; empty is 0. */
  private openaiCount(record: CsvRecord, column: string): number | null {
    const text = this.openaiField(record, column);
    if (text === '') return 0;
    const match = /^(\d{1,16})(?:\.0*)?$/.exec(text);
    if (!match || !Number.isSafeInteger(Number(match[1]))) {
      this.problem(record.line, column, `${column} must be a whole number of at least 0; got "${text}".`);
      return null;
    }
    return Number(match[1]);
  }

  private openaiRaw(record: CsvRecord): Record<string, string> {
    // Who made the calls (user, key, organization) is not needed to price them: not kept.
    const drop = new Set(['user_id', 'api_key_id', 'organization_id', 'organization_name']);
    return Object.fromEntries((this.header as string[]).map((h, i) => [h, record.fields[i] ?? '']).filter(([h, v]) => !drop.has(h) && v !== ''));
  }

  /** One bucket × group of the completions activity export; summed per (day, model, tier, project). */
  private openaiUsageRow(record: CsvRecord): void {
    const line = record.line;
    const valueColumns = ['num_model_requests', 'input_tokens', 'output_tokens', 'input_cached_tokens', 'model'];
    if (valueColumns.every((c) => this.openaiField(record, c) === '')) return; // a bucket without usage
    const day = this.openaiDay(record);
    const model = this.openaiField(record, 'model');
    const before = this.problemCount;
    if (model === '') this.problem(line, 'model', 'model is empty: the price depends on it, so export the usage grouped by model.');
    const input = this.openaiCount(record, 'input_tokens');
    const cached = this.openaiCount(record, 'input_cached_tokens');
    const cacheWrite = this.openaiCount(record, 'input_cache_write_tokens');
    const output = this.openaiCount(record, 'output_tokens');
    const requests = this.openaiCount(record, 'num_model_requests');
    const batch = this.openaiField(record, 'batch').toLowerCase();
    if (!['', 'true', 'false'].includes(batch)) this.problem(line, 'batch', `batch must be TRUE, FALSE or empty; got "${this.openaiField(record, 'batch')}".`);
    const tierText = this.openaiField(record, 'service_tier').toLowerCase();
    const tier = batch === 'true' ? 'batch' : tierText === '' ? 'standard' : OPENAI_TIERS[tierText];
    if (tier === undefined) this.problem(line, 'service_tier', `service_tier "${tierText}" is not one we know (${Object.keys(OPENAI_TIERS).join(', ')}).`);
    if (input !== null && cached !== null && cacheWrite !== null && input < cached + cacheWrite) {
      this.problem(line, 'input_tokens', `input_tokens (${input}) is smaller than input_cached_tokens (${cached}) + input_cache_write_tokens (${cacheWrite}): it should include them.`);
    }
    if (this.problemCount > before || day === null || input === null || cached === null || cacheWrite === null || output === null || requests === null || tier === undefined) return;
    const project = this.openaiField(record, 'project_id') || null;
    const key = JSON.stringify([day, model, tier, project]);
    const group = this.openaiUsage.get(key) ?? {
      lines: [],
      raw: [],
      input: {
        workspaceId: this.workspaceId,
        accountId: this.options.accountId ?? '',
        day,
        provider: 'openai',
        model,
        operation: 'chat/completions',
        serviceTier: tier,
        contextTier: 'standard',
        project,
        source: 'import',
        reportedCost: null,
      },
      tokens: { inputUncached: 0, inputCachedRead: 0, cacheWrite5m: 0, output: 0 },
      units: { requests: 0 },
    };
    group.lines.push(line);
    group.raw.push(this.openaiRaw(record));
    const t = group.tokens;
    t['inputUncached'] += input - cached - cacheWrite;
    t['inputCachedRead'] += cached;
    t['cacheWrite5m'] += cacheWrite;
    t['output'] += output;
    group.units['requests'] += requests;
    this.openaiUsage.set(key, group);
  }

  /** One bucket × line item (× project) of the cost export: a billed cost line in USD. */
  private openaiCostRow(record: CsvRecord): void {
    const text = this.openaiField(record, 'amount_value');
    if (text === '' && this.openaiField(record, 'line_item') === '') return; // a bucket without costs
    const day = this.openaiDay(record);
    const amount = parseAmount(text);
    if (!amount.ok) return this.problem(record.line, 'amount_value', `amount_value must be a decimal amount in dollars with a dot; got "${text}".`);
    const currency = this.openaiField(record, 'amount_currency').toLowerCase();
    if (currency !== '' && currency !== 'usd') return this.problem(record.line, 'amount_currency', `Only USD costs can be imported so far; this row is in ${currency.toUpperCase()}.`);
    if (day === null) return;
    // The connector's name for a line without line_item, so an import and a sync of the same day meet on one key.
    const description = (this.openaiField(record, 'line_item') || 'unspecified').slice(0, 500);
    this.addCost(day, description, amount.value, record.line, this.openaiRaw(record), this.openaiField(record, 'project_id') || null);
  }

  private addCost(day: string, description: string, amount: string, line: number, raw: unknown, project: string | null = null): void {
    const key = JSON.stringify([day, description, project]);
    const entry = this.costs.get(key) ?? { lines: [], amount: new LedgerDecimal(0), day, description, project, raw: [] };
    entry.lines.push(line);
    entry.amount = entry.amount.plus(amount);
    entry.raw.push(raw);
    this.costs.set(key, entry);
  }
}

/** Dates as cloud exports write them: ISO (with or without a time), US MM/DD/YYYY, or YYYYMMDD. */
export function parseCloudDate(text: string): string | null {
  let day: string | null = null;
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+Z?)?$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (iso) day = iso[1];
  else if (us) day = `${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}`;
  else if (compact) day = `${compact[1]}-${compact[2]}-${compact[3]}`;
  return day !== null && isCalendarDay(day) ? day : null;
}

/** The observation of a candidate at `observedAt` (final once its day is over). */
export function candidateEvent(candidate: ImportCandidate, observedAt: string, final: boolean): UsageLedgerEvent {
  const result = candidate.kind === 'usage' ? observeUsage({ ...candidate.input, observedAt, final }) : reportCost({ ...candidate.input, observedAt, final });
  if (!result.ok) throw new Error(`An import candidate became invalid: ${JSON.stringify(result.problems)}`);
  return result.value;
}
