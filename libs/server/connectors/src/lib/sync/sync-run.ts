import {
  observeUsage,
  parseAmount,
  reportCost,
  sumAmounts,
  type ContextTier,
  type CostReported,
  type Json,
  type Operation,
  type OtherUnits,
  type ServiceTier,
  type TokenCounts,
  type UsageObserved,
  type ValidationProblem,
} from '@act/domain/usage';
import { resolveApiRoot, type ApiLocation } from '../http/base-url';
import { addDays, dayOfMs, daysFrom, isDay, isFinalDay } from './days';
import {
  ProviderClient,
  type ProviderClientSpec,
} from './provider-client';
import { ShapeProblem, ShapeReader } from './provider-json';
import { SyncError } from './sync-error';
import type {
  SyncAccount,
  SyncConnectorOptions,
  SyncProvider,
  SyncRange,
  SyncResult,
  SyncRunOptions,
  SyncWarning,
} from './types';

/** One provider row (or part of one) on its way to a `UsageObserved` event. */
export interface UsageCandidate {
  day: string;
  model: string;
  operation: Operation;
  serviceTier: ServiceTier;
  contextTier: ContextTier;
  project: string | null;
  tokens: Partial<TokenCounts>;
  units: Partial<OtherUnits>;
  /** USD decimal text the provider billed for this usage, when it says so per row (OpenRouter). */
  reportedCost?: string;
  /** The provider's row, as plain JSON. */
  raw: Json;
  endpoint: string;
  /** Where the row is in the answer, e.g. `data[2].results[0]`. */
  path: string;
  /** The row fields behind input fields, to name the provider's field when validation refuses a value. */
  fieldPaths?: Partial<Record<'model' | 'project' | 'reportedCost', string>>;
}

/** One provider cost row on its way to a `CostReported` event. */
export interface CostCandidate {
  day: string;
  description: string;
  project: string | null;
  /** USD decimal text (Anthropic cents already divided). */
  amount: string;
  raw: Json;
  endpoint: string;
  path: string;
  fieldPaths?: Partial<Record<'description' | 'project' | 'amount', string>>;
}

export const DEFAULT_PAGE_SIZE = 31;
export const DEFAULT_SETTLE_HOURS = 24;
export const DEFAULT_MAX_PAGES = 1_000;

export interface RunSetup {
  provider: SyncProvider;
  label: string;
  location: ApiLocation;
  account: SyncAccount;
  options: SyncConnectorOptions;
  range: SyncRange;
  run: SyncRunOptions;
  stepCount: number;
  headers(credential: string): Record<string, string>;
  client: Pick<ProviderClientSpec, 'classifyRefusal' | 'errorText'>;
}

/**
 * The state of one sync run: the HTTP client, the candidates gathered so far (summed per ledger key, because
 * several provider rows may map to one key — OpenAI `default` and `auto` tiers are both standard, image sizes
 * share a model), warnings, counters and progress.
 */
export class SyncRun {
  readonly client: ProviderClient;
  readonly now: Date;
  readonly observedAt: string;
  readonly range: SyncRange;
  readonly days: readonly string[];
  readonly warnings: SyncWarning[] = [];
  private readonly settleHours: number;
  private readonly maxPages: number;
  private readonly usage = new Map<string, UsageCandidate[]>();
  private readonly costs = new Map<string, CostCandidate[]>();
  private readonly answeredDays = new Set<string>();
  private pages = 0;
  private rows = 0;
  private stepIndex = -1;

  private constructor(
    private readonly setup: RunSetup,
    client: ProviderClient,
    now: Date,
    range: SyncRange,
  ) {
    this.client = client;
    this.now = now;
    this.observedAt = now.toISOString();
    this.range = range;
    this.days = range.from <= range.to ? daysFrom(range.from, range.to) : [];
    this.settleHours = setup.options.settleHours ?? DEFAULT_SETTLE_HOURS;
    this.maxPages = setup.options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  static start(setup: RunSetup): SyncRun {
    const { range } = setup;
    if (!isDay(range.from) || !isDay(range.to)) {
      throw new RangeError(
        `A sync range is two UTC days written YYYY-MM-DD; got ${JSON.stringify(range)}.`,
      );
    }
    if (range.from > range.to) {
      throw new RangeError(
        `A sync range must not end (${range.to}) before it starts (${range.from}).`,
      );
    }
    const now = (setup.options.now ?? (() => new Date()))();
    const today = dayOfMs(now.getTime());
    const clamped: SyncRange = {
      from: range.from,
      to: range.to > today ? today : range.to,
    };
    const fail = (code: 'missing_credential' | 'invalid_base_url', message: string) =>
      new SyncError(message, {
        category: code === 'missing_credential' ? 'auth' : 'unreachable',
        code,
        provider: setup.provider,
        endpoint: null,
        httpStatus: null,
        attempts: 0,
      });
    const credential = setup.account.credential?.trim()
      ? setup.account.credential
      : null;
    if (credential === null) {
      throw fail(
        'missing_credential',
        `No key is stored for this ${setup.label} account; add one to sync usage.`,
      );
    }
    const root = resolveApiRoot(setup.location, setup.account.baseUrl);
    if (!root.ok) {
      throw fail(
        'invalid_base_url',
        root.reason === 'credentials_in_url'
          ? 'The base URL must not contain a user name or password.'
          : 'The base URL is not a valid http(s) address.',
      );
    }
    const client = new ProviderClient({
      provider: setup.provider,
      label: setup.label,
      apiRoot: root.apiRoot,
      headers: setup.headers(credential),
      credential,
      options: setup.options,
      ...(setup.run.signal ? { signal: setup.run.signal } : {}),
      ...setup.client,
    });
    return new SyncRun(setup, client, now, clamped);
  }

  /** Nothing to read: the whole range lies in the future. */
  get empty(): boolean {
    return this.days.length === 0;
  }

  pageSize(max: number): number {
    const size = this.setup.options.pageSize ?? DEFAULT_PAGE_SIZE;
    return Math.max(1, Math.min(max, Math.floor(size)));
  }

  isFinal(day: string): boolean {
    return isFinalDay(day, this.now, this.settleHours);
  }

  inRange(day: string): boolean {
    return day >= this.range.from && day <= this.range.to;
  }

  /** The day after `to`, for exclusive ends. */
  get endExclusive(): string {
    return addDays(this.range.to, 1);
  }

  warn(warning: SyncWarning): void {
    this.warnings.push(warning);
  }

  markAnswered(day: string): void {
    if (this.inRange(day)) this.answeredDays.add(day);
  }

  addUsage(candidate: UsageCandidate): void {
    const key = JSON.stringify([
      candidate.day,
      candidate.model,
      candidate.operation,
      candidate.serviceTier,
      candidate.contextTier,
      candidate.project,
    ]);
    const list = this.usage.get(key);
    if (list) list.push(candidate);
    else this.usage.set(key, [candidate]);
  }

  addCost(candidate: CostCandidate): void {
    const key = JSON.stringify([
      candidate.day,
      candidate.description,
      candidate.project,
    ]);
    const list = this.costs.get(key);
    if (list) list.push(candidate);
    else this.costs.set(key, [candidate]);
  }

  schemaError(problem: ShapeProblem, endpoint: string, status = 200): SyncError {
    return new SyncError(
      `${this.setup.label} answered in a shape we do not know: ${problem.message}. Its API may have changed; nothing from this sync was kept.`,
      {
        category: 'provider_schema_changed',
        code: problem.kind,
        provider: this.setup.provider,
        endpoint,
        httpStatus: status,
        fieldPath: problem.path,
        attempts: 1,
      },
    );
  }

  /**
   * Reads every page of one cursor-paginated endpoint: follows `next_page` while `has_more`, stops with
   * `repeated_cursor` when a cursor comes back, `too_many_pages` past the bound. `readPage` reads one answer's
   * data and returns the rows read and the days covered.
   */
  async walkPages(
    step: string,
    path: string,
    query: ReadonlyArray<readonly [string, string]>,
    readPage: (page: ShapeReader, endpoint: string) => { rows: number; days: readonly string[] },
  ): Promise<void> {
    this.stepIndex += 1;
    const stepIndex = this.stepIndex;
    const seen = new Set<string>();
    const daysSeen = new Set<string>();
    let cursor: string | null = null;
    let page = 0;
    let stepRows = 0;
    for (;;) {
      const pageQuery: ReadonlyArray<readonly [string, string]> =
        cursor === null ? query : [...query, ['page', cursor]];
      if (page >= this.maxPages) {
        throw new SyncError(
          `${this.setup.label} kept returning more pages after ${this.maxPages}; the sync stopped to avoid an endless loop.`,
          {
            category: 'provider_schema_changed',
            code: 'too_many_pages',
            provider: this.setup.provider,
            endpoint: this.client.describe(path, pageQuery),
            httpStatus: 200,
            attempts: 1,
          },
        );
      }
      const { body, endpoint } = await this.client.getJson(path, pageQuery);
      page += 1;
      this.pages += 1;
      let hasMore: boolean;
      let next: string | null;
      try {
        const reader = ShapeReader.root(body, `${step} page`);
        const read = readPage(reader, endpoint);
        stepRows += read.rows;
        this.rows += read.rows;
        for (const day of read.days) {
          if (this.inRange(day)) daysSeen.add(day);
        }
        hasMore = reader.boolean('has_more');
        next = reader.optionalString('next_page');
        if (hasMore && next === null) {
          throw new ShapeProblem(
            'next_page',
            'missing_field',
            'next_page is missing although has_more is true',
          );
        }
      } catch (error) {
        if (error instanceof ShapeProblem) throw this.schemaError(error, endpoint);
        throw error;
      }
      this.progress(step, stepIndex, endpoint, page, daysSeen.size, stepRows);
      if (!hasMore || next === null) return;
      if (next === cursor || seen.has(next)) {
        throw new SyncError(
          `${this.setup.label} returned a page cursor it had already given (page ${page + 1} would repeat an earlier page); the sync stopped instead of looping.`,
          {
            category: 'provider_schema_changed',
            code: 'repeated_cursor',
            provider: this.setup.provider,
            endpoint,
            httpStatus: 200,
            fieldPath: 'next_page',
            attempts: 1,
          },
        );
      }
      seen.add(next);
      cursor = next;
    }
  }

  /** One request without pagination (OpenRouter `/activity`). */
  async readOnce(
    step: string,
    path: string,
    query: ReadonlyArray<readonly [string, string]>,
    readPage: (page: ShapeReader, endpoint: string) => { rows: number; days: readonly string[] },
  ): Promise<void> {
    this.stepIndex += 1;
    const { body, endpoint } = await this.client.getJson(path, query);
    this.pages += 1;
    let read: { rows: number; days: readonly string[] };
    try {
      read = readPage(ShapeReader.root(body, `${step} answer`), endpoint);
    } catch (error) {
      if (error instanceof ShapeProblem) throw this.schemaError(error, endpoint);
      throw error;
    }
    this.rows += read.rows;
    this.progress(
      step,
      this.stepIndex,
      endpoint,
      1,
      new Set(read.days.filter((day) => this.inRange(day))).size,
      read.rows,
    );
  }

  private progress(
    step: string,
    stepIndex: number,
    endpoint: string,
    page: number,
    daysDone: number,
    rows: number,
  ): void {
    this.setup.run.onProgress?.({
      provider: this.setup.provider,
      step,
      stepIndex,
      stepCount: this.setup.stepCount,
      endpoint,
      page,
      daysDone,
      daysTotal: this.days.length,
      rows,
      rowsTotal: this.rows,
    });
  }

  /** Sums the candidates per key and validates them into events (`observeUsage`, `reportCost`). */
  finish(): SyncResult {
    const { workspaceId, accountId } = this.setup.account;
    const provider = this.setup.provider;
    const usage: UsageObserved[] = [];
    for (const group of this.usage.values()) {
      const first = group[0];
      const tokens: Record<string, number> = {};
      const units: Record<string, number> = {};
      for (const candidate of group) {
        addCounts(tokens, candidate.tokens);
        addCounts(units, candidate.units);
      }
      const costs = group
        .map((candidate) => candidate.reportedCost === undefined ? undefined : this.amount(candidate.reportedCost, candidate, candidate.fieldPaths?.reportedCost))
        .filter((amount): amount is string => amount !== undefined);
      const result = observeUsage({
        workspaceId,
        accountId,
        day: first.day,
        provider,
        model: first.model,
        operation: first.operation,
        serviceTier: first.serviceTier,
        contextTier: first.contextTier,
        project: first.project,
        tokens,
        units,
        raw: group.length === 1 ? first.raw : { rows: group.map((c) => c.raw) },
        source: 'usage-api',
        observedAt: this.observedAt,
        final: this.isFinal(first.day),
        ...(costs.length > 0
          ? { reportedCost: { amount: sumAmounts(costs), currency: 'USD' } }
          : {}),
      });
      if (!result.ok) throw this.invalid(result.problems, first);
      usage.push(result.value);
    }
    const costs: CostReported[] = [];
    for (const group of this.costs.values()) {
      const first = group[0];
      const amount = sumAmounts(
        group.map((candidate) => this.amount(candidate.amount, candidate, candidate.fieldPaths?.amount)),
      );
      const result = reportCost({
        workspaceId,
        accountId,
        day: first.day,
        provider,
        description: first.description,
        project: first.project,
        amount,
        currency: 'USD',
        raw: group.length === 1 ? first.raw : { rows: group.map((c) => c.raw) },
        source: 'usage-api',
        observedAt: this.observedAt,
        final: this.isFinal(first.day),
      });
      if (!result.ok) throw this.invalid(result.problems, first);
      costs.push(result.value);
    }
    usage.sort((a, b) => compare(a.data.day, b.data.day) || compare(a.data.requestType, b.data.requestType));
    costs.sort((a, b) => compare(a.data.day, b.data.day) || compare(a.data.lineItem, b.data.lineItem));
    const days = this.days.filter((day) => this.answeredDays.has(day));
    return {
      provider,
      range: this.range,
      days,
      pendingDays: days.filter((day) => !this.isFinal(day)),
      observedAt: this.observedAt,
      usage,
      costs,
      stats: { requests: this.client.attempts, pages: this.pages, rows: this.rows },
      warnings: this.warnings,
    };
  }

  private amount(text: string, candidate: UsageCandidate | CostCandidate, path: string | undefined): string {
    const parsed = parseAmount(text);
    if (parsed.ok) return parsed.value;
    const where = path ?? candidate.path;
    throw this.schemaError(
      new ShapeProblem(where, 'invalid_value', `${where} is not an amount we can keep exactly (${JSON.stringify(text)}: ${parsed.reason.replace('_', ' ')})`),
      candidate.endpoint,
    );
  }

  private invalid(
    problems: readonly ValidationProblem[],
    candidate: UsageCandidate | CostCandidate,
  ): SyncError {
    const problem = problems[0];
    const mapped = (candidate.fieldPaths as Record<string, string | undefined> | undefined)?.[problem.path.split('.')[0]];
    const where = mapped ?? candidate.path;
    return this.schemaError(
      new ShapeProblem(where, 'invalid_value', `the row at ${candidate.path} cannot be recorded: ${problem.message}`),
      candidate.endpoint,
    );
  }
}

function addCounts(into: Record<string, number>, counts: Partial<Record<string, number>>): void {
  for (const [name, count] of Object.entries(counts)) {
    if (count === undefined || count === 0) continue;
    into[name] = (into[name] ?? 0) + count;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
