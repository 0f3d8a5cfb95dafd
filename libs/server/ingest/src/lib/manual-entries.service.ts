import { NotFoundException } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import type { SqlDatabase } from '@act/server/database';
import type { AccountsService } from '@act/server/accounts';
import type { WorkspaceContext } from '@act/server/identity';
import type { RecordUsageHandler } from '@act/server/usage';
import { RequestValidationError } from '@act/server/platform';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import {
  NO_TOKENS,
  NO_UNITS,
  observeUsage,
  OTHER_UNITS,
  TOKEN_CLASSES,
  usageContent,
  type OtherUnits,
  type TokenCounts,
  type UsageKey,
  type UsageObserved,
} from '@act/domain/usage';
import type { CreateManualEntryBody, ManualEntriesQuery, ManualEntryDto, ManualEntryPageDto, ManualEntryWriteDto, UpdateManualEntryBody } from './dto';
import { isAfterDay, LedgerReader, nextObservedAt } from './ledger-reader';
import { QUANTITY_COLUMN } from './schema';

/** UUIDv5 namespace of manual-entry ids (generated once; never change it). */
export const MANUAL_ENTRY_NAMESPACE = '3f0c2b9e-7f55-4a57-9d0f-5a3a4f1c6e21';

/** A manual entry's id: one per (workspace, account, day, requestType), whatever its numbers. */
export function manualEntryId(key: UsageKey): string {
  return uuidv5(JSON.stringify(['manual-entry', key.workspaceId, key.accountId, key.day, key.requestType]), MANUAL_ENTRY_NAMESPACE);
}

interface RawEntry {
  readonly manualEntry?: { readonly deleted?: boolean };
}

/** A manual observation that is not a deletion. */
export function isLiveEntry(event: UsageObserved): boolean {
  return event.data.source === 'manual' && (event.data.raw as RawEntry | null)?.manualEntry?.deleted !== true;
}

function isEmpty(event: UsageObserved): boolean {
  const { tokens, units, reportedCost } = event.data;
  return reportedCost === undefined && TOKEN_CLASSES.every((c) => (tokens[c] ?? 0) === 0) && OTHER_UNITS.every((u) => (units[u] ?? 0) === 0);
}

interface LatestRow {
  account_id: string;
  day: string;
  request_type: string;
  provider: string;
  model: string;
  operation: string;
  service_tier: string;
  context_tier: string;
  project: string | null;
  reported_cost: string | null;
  observed_at: string;
  [count: string]: string | number | null;
}

/**
 * Manual entries: a day's usage and/or cost for one account and model, for what no API reports
 * (seat subscriptions, self-hosted models). Each entry IS one ledger key (account, day,
 * requestType) and every change is a new `UsageObserved` with source `manual` for that key,
 * so latest-wins makes the newest version the one counted:
 * - create: the key's first manual observation (409 when the key already has an entry, or
 *   usage from another source that the entry would silently replace);
 * - edit: a new observation with the merged numbers;
 * - delete: a tombstone, an observation of zero (`raw.manualEntry.deleted`), which replaces
 *   the entry's numbers in every total; creating the entry again later is a new observation.
 * The list comes from the ledger's read model (`usage_latest`, `?waitFor=` applies); writes
 * decide on the key's stream itself.
 */
export class ManualEntriesService {
  private readonly ledger: LedgerReader;

  constructor(
    private readonly db: SqlDatabase,
    ledger: LedgerReader,
    private readonly record: RecordUsageHandler,
    private readonly accounts: () => AccountsService,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.ledger = ledger;
  }

  async list(ctx: WorkspaceContext, query: ManualEntriesQuery): Promise<ManualEntryPageDto> {
    const limit = query.limit ?? 100;
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const rows = await this.db.query<LatestRow>(
      `select account_id, day::text as day, request_type, provider, model, operation, service_tier, context_tier, project,
              ${Object.values(QUANTITY_COLUMN).join(', ')}, reported_cost::text as reported_cost, observed_at
         from usage_latest
        where workspace_id = $1 and source = 'manual' and coalesce(raw->'manualEntry'->>'deleted', 'false') <> 'true'
          and ($2::text is null or account_id = $2)
          and ($3::date is null or day >= $3::date) and ($4::date is null or day <= $4::date)
          and ($5::date is null or day < $5::date or (day = $5::date and (account_id, request_type) > ($6::text, $7::text)))
        order by day desc, account_id, request_type
        limit $8`,
      [ctx.workspaceId, query.accountId ?? null, query.from ?? null, query.to ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => rowToDto(ctx.workspaceId, row)),
      nextCursor: rows.length > limit && last ? encodeCursor([last.day, last.account_id, last.request_type]) : null,
    };
  }

  async create(ctx: WorkspaceContext, body: CreateManualEntryBody): Promise<ManualEntryWriteDto> {
    const account = await this.writableAccount(ctx, body.accountId);
    this.notInFuture(body.day);
    const now = this.now();
    const candidate = this.observe(ctx, {
      accountId: body.accountId,
      day: body.day,
      provider: account.provider,
      model: body.model,
      operation: body.operation ?? 'chat/completions',
      serviceTier: body.serviceTier ?? 'standard',
      contextTier: body.contextTier ?? 'standard',
      project: body.project ?? null,
      tokens: { ...NO_TOKENS, ...definedOnly(body.tokens) },
      units: { ...NO_UNITS, ...definedOnly(body.units) },
      amount: body.amount ?? null,
      observedAt: now.toISOString(),
    });
    const id = manualEntryId(candidate.data);
    const current = await this.ledger.currentOf(candidate.data);
    if (current !== undefined && isLiveEntry(current)) {
      // A retried create (same numbers) answers like the first one; different numbers are an edit.
      if (sameNumbers(current, candidate)) return { ...toDto(current), position: await this.positionOf(current) };
      throw new DomainRuleViolation('manual-entry.exists', `There is already a manual entry for this account, day and model (${id}): change it with PATCH …/manual-entries/${id}.`, 'conflict');
    }
    if (current !== undefined && current.data.source !== 'manual' && !isEmpty(current)) {
      throw new DomainRuleViolation(
        'manual-entry.other-source',
        `This account's usage of ${body.model} on ${body.day} comes from ${current.data.source}: a manual entry for the same key would replace it. Record it under a project, or for another model name.`,
        'conflict',
      );
    }
    await this.db.query(
      `insert into manual_entries (id, workspace_id, account_id, day, request_type) values ($1, $2, $3, $4::date, $5) on conflict (id) do nothing`,
      [id, ctx.workspaceId, body.accountId, body.day, candidate.data.requestType],
    );
    return this.write(ctx, candidate, current, now);
  }

  async update(ctx: WorkspaceContext, id: string, body: UpdateManualEntryBody): Promise<ManualEntryWriteDto> {
    const { current, key } = await this.load(ctx, id);
    await this.writableAccount(ctx, key.accountId);
    const now = this.now();
    const data = current.data;
    const amount = body.amount === undefined ? (data.reportedCost?.amount ?? null) : body.amount;
    const candidate = this.observe(ctx, {
      accountId: data.accountId,
      day: data.day,
      provider: data.provider,
      model: data.model,
      operation: data.operation,
      serviceTier: data.serviceTier,
      contextTier: data.contextTier,
      project: data.project ?? null,
      tokens: { ...NO_TOKENS, ...data.tokens, ...definedOnly(body.tokens) },
      units: { ...NO_UNITS, ...data.units, ...definedOnly(body.units) },
      amount,
      observedAt: now.toISOString(),
    });
    if (sameNumbers(current, candidate)) return { ...toDto(current), position: await this.positionOf(current) };
    return this.write(ctx, candidate, current, now);
  }

  async remove(ctx: WorkspaceContext, id: string): Promise<{ position: string }> {
    const { current } = await this.load(ctx, id);
    await this.writableAccount(ctx, current.data.accountId);
    const now = this.now();
    const d = current.data;
    const tombstone = this.observe(
      ctx,
      {
        accountId: d.accountId,
        day: d.day,
        provider: d.provider,
        model: d.model,
        operation: d.operation,
        serviceTier: d.serviceTier,
        contextTier: d.contextTier,
        project: d.project ?? null,
        tokens: NO_TOKENS,
        units: NO_UNITS,
        amount: null,
        observedAt: now.toISOString(),
      },
      { deleted: true },
    );
    const written = await this.write(ctx, tombstone, current, now);
    return { position: written.position };
  }

  private async write(ctx: WorkspaceContext, candidate: UsageObserved, current: UsageObserved | undefined, now: Date): Promise<ManualEntryWriteDto> {
    // Strictly after the key's current observation, or latest-wins would keep the old one.
    const observedAt = nextObservedAt(now, candidate.data.day, current);
    const event = this.observe(ctx, { ...inputOf(candidate), observedAt }, (candidate.data.raw as RawEntry).manualEntry);
    const result = await this.record.handle([{ ...event, metadata: { actorId: ctx.userId, at: now.toISOString() } } as UsageObserved]);
    return { ...toDto(event), position: result.position.toString() };
  }

  /** Builds the observation; input problems become a 400 naming the field. */
  private observe(ctx: WorkspaceContext, input: EntryInput, marker: { deleted?: boolean } = {}): UsageObserved {
    const observed = observeUsage({
      workspaceId: ctx.workspaceId,
      accountId: input.accountId,
      day: input.day,
      provider: input.provider,
      model: input.model,
      operation: input.operation,
      serviceTier: input.serviceTier,
      contextTier: input.contextTier,
      project: input.project,
      tokens: input.tokens,
      units: input.units,
      raw: { manualEntry: marker },
      source: 'manual',
      observedAt: input.observedAt,
      final: isAfterDay(input.observedAt, input.day),
      reportedCost: input.amount === null ? null : { amount: input.amount, currency: 'USD' },
    });
    if (!observed.ok) throw new RequestValidationError(observed.problems.map(({ path, message }) => ({ path: path.replace(/^reportedCost\./, ''), message })));
    if (marker.deleted !== true && isEmpty(observed.value)) {
      throw new RequestValidationError([{ path: 'tokens', message: 'An entry needs at least one token count or unit above 0, or an amount.' }]);
    }
    return observed.value;
  }

  private async load(ctx: WorkspaceContext, id: string): Promise<{ current: UsageObserved; key: UsageKey }> {
    const [row] = await this.db.query<{ account_id: string; day: string; request_type: string }>(
      `select account_id, day::text as day, request_type from manual_entries where id = $1 and workspace_id = $2`,
      [id, ctx.workspaceId],
    );
    if (!row) throw notFound();
    const key: UsageKey = { workspaceId: ctx.workspaceId, accountId: row.account_id, day: row.day, requestType: row.request_type };
    const current = await this.ledger.currentOf(key);
    // Deleted, or replaced since by another source: there is no entry to change any more.
    if (current === undefined || !isLiveEntry(current)) throw notFound();
    return { current, key };
  }

  private async writableAccount(ctx: WorkspaceContext, accountId: string) {
    const account = await this.accounts().load(ctx, accountId);
    if (account.disconnected) {
      throw new DomainRuleViolation('manual-entry.account-disconnected', 'This account is disconnected: its usage can no longer be changed.', 'conflict');
    }
    return account;
  }

  private notInFuture(day: string): void {
    const today = this.now().toISOString().slice(0, 10);
    if (day > today) throw new RequestValidationError([{ path: 'day', message: `day (${day}) is in the future: today is ${today} (UTC).` }]);
  }

  /** The position of the stream holding `event` (re-recording the current observation appends nothing). */
  private async positionOf(event: UsageObserved): Promise<string> {
    return (await this.record.handle([event])).position.toString();
  }
}

interface EntryInput {
  accountId: string;
  day: string;
  provider: string;
  model: string;
  operation: string;
  serviceTier: string;
  contextTier: string;
  project: string | null;
  tokens: TokenCounts;
  units: OtherUnits;
  amount: string | null;
  observedAt: string;
}

function inputOf(event: UsageObserved): EntryInput {
  const d = event.data;
  return {
    accountId: d.accountId,
    day: d.day,
    provider: d.provider,
    model: d.model,
    operation: d.operation,
    serviceTier: d.serviceTier,
    contextTier: d.contextTier,
    project: d.project ?? null,
    tokens: d.tokens,
    units: d.units,
    amount: d.reportedCost?.amount ?? null,
    observedAt: d.observedAt,
  };
}

function sameNumbers(a: UsageObserved, b: UsageObserved): boolean {
  // `final` may differ only by when it was recorded: compare the numbers themselves.
  return usageContent({ ...a.data, final: false }) === usageContent({ ...b.data, final: false });
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function notFound(): NotFoundException {
  return new NotFoundException('No such manual entry in this workspace.');
}

export function toDto(event: UsageObserved): ManualEntryDto {
  const d = event.data;
  return {
    id: manualEntryId(d),
    accountId: d.accountId,
    provider: d.provider,
    day: d.day,
    model: d.model,
    operation: d.operation,
    serviceTier: d.serviceTier,
    contextTier: d.contextTier,
    project: d.project ?? null,
    requestType: d.requestType,
    tokens: { ...NO_TOKENS, ...d.tokens },
    units: { ...NO_UNITS, ...d.units },
    amount: d.reportedCost?.amount ?? null,
    currency: 'USD',
    recordedAt: d.observedAt,
  };
}

function rowToDto(workspaceId: string, row: LatestRow): ManualEntryDto {
  const count = (name: keyof TokenCounts | keyof OtherUnits) => Number(row[QUANTITY_COLUMN[name]]);
  return {
    id: manualEntryId({ workspaceId, accountId: row.account_id, day: row.day, requestType: row.request_type }),
    accountId: row.account_id,
    provider: row.provider,
    day: row.day,
    model: row.model,
    operation: row.operation,
    serviceTier: row.service_tier,
    contextTier: row.context_tier,
    project: row.project,
    requestType: row.request_type,
    tokens: Object.fromEntries(TOKEN_CLASSES.map((c) => [c, count(c)])) as unknown as TokenCounts,
    units: Object.fromEntries(OTHER_UNITS.map((u) => [u, count(u)])) as unknown as OtherUnits,
    amount: row.reported_cost === null ? null : normalizeNumeric(row.reported_cost),
    currency: 'USD',
    recordedAt: row.observed_at,
  };
}

/** NUMERIC text as the ledger writes amounts: no trailing zeros. */
function normalizeNumeric(text: string): string {
  if (!text.includes('.')) return text;
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

function encodeCursor(parts: [string, string, string]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeCursor(cursor: string): [string, string, string] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === 3 && parts.every((p) => typeof p === 'string') && /^\d{4}-\d{2}-\d{2}$/.test(parts[0] as string)) {
      return parts as [string, string, string];
    }
  } catch {
    /* fall through */
  }
  throw new RequestValidationError([{ path: 'cursor', message: 'cursor is not valid: pass the nextCursor of the previous page.' }]);
}
