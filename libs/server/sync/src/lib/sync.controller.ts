import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { isSyncProvider } from '@act/server/connectors';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import { AccountsService } from '@act/server/accounts';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import type { AccountBalanceDto, CreditBalanceDto, Page, SyncRunBalanceDto, SyncRunDto, SyncStartedDto } from '@act/contracts';
import { BALANCE_PROVIDERS } from './sync-events';
import { SyncService } from './sync.service';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MAX_RESYNC_DAYS = 366;

/** Optional: re-read exactly this range (both days included) instead of what is missing. */
export class SyncRequestBody {
  @ApiPropertyOptional({ example: '2026-10-01', description: 'First day (UTC) to re-read; with `to`.' })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a day like 2026-10-01' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-10-31', description: 'Last day (UTC) to re-read; with `from`.' })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a day like 2026-10-31' })
  to?: string;
}

interface SyncRunRow {
  run_id: string;
  kind: SyncRunDto['kind'];
  status: SyncRunDto['status'];
  range_from: string;
  range_to: string;
  days_done: number;
  days_total: number;
  started_at: Date;
  finished_at: Date | null;
  appended: number;
  requests: number;
  pending_days: string[] | string;
  warnings: string[] | string;
  error_category: string | null;
  error_code: string | null;
  error_message: string | null;
}

/** The `balance_*` columns of `sync_runs` (v2), read through `to_jsonb(row)`: absent from a v1 table being rebuilt. */
interface BalanceColumns {
  balance_status: 'read' | 'unavailable' | null;
  balance_total_credits: string | null;
  balance_total_usage: string | null;
  balance_remaining: string | null;
  balance_read_at: string | null;
  balance_error_category: string | null;
  balance_error_code: string | null;
  balance_error_message: string | null;
}

// Numeric columns come out of jsonb as their exact decimal text (`->>`), never through a JS number.
const BALANCE_COLUMNS = `j ->> 'balance_status' as balance_status, j ->> 'balance_total_credits' as balance_total_credits,
  j ->> 'balance_total_usage' as balance_total_usage, j ->> 'balance_remaining' as balance_remaining, j ->> 'balance_read_at' as balance_read_at,
  j ->> 'balance_error_category' as balance_error_category, j ->> 'balance_error_code' as balance_error_code,
  j ->> 'balance_error_message' as balance_error_message`;

const MONEY = { type: String, example: '12.345678', description: 'Decimal string in `currency`, exact.' } as const;

class CreditBalanceResponse implements CreditBalanceDto {
  @ApiProperty({ ...MONEY, description: 'Credits purchased, in total (decimal string, exact).' }) totalCredits!: string;
  @ApiProperty({ ...MONEY, description: 'Credits used, in total (decimal string, exact).' }) totalUsage!: string;
  @ApiProperty({ ...MONEY, description: 'totalCredits − totalUsage (decimal string, exact); negative when overdrawn.' }) remaining!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty({ example: '2026-11-24T10:30:00.000Z', description: 'When the provider was asked.' }) readAt!: string;
  @ApiProperty({ description: 'The sync run that read it.' }) runId!: string;
}

class BalanceUnavailableResponse {
  @ApiProperty({ example: 'permission' }) category!: string;
  @ApiProperty({ example: 'forbidden' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'When the read was tried.' }) at!: string;
  @ApiProperty() runId!: string;
}

class AccountBalanceResponse implements AccountBalanceDto {
  @ApiProperty() accountId!: string;
  @ApiProperty({ description: "Whether the provider has a balance the sync reads (OpenRouter's credits)." }) supported!: boolean;
  @ApiProperty({ type: CreditBalanceResponse, nullable: true, description: 'The latest balance read; null until a sync run has read one.' })
  balance!: CreditBalanceResponse | null;
  @ApiProperty({
    type: BalanceUnavailableResponse,
    nullable: true,
    description: 'Set when the latest attempt failed (the sync run itself succeeded): `balance` is then from an earlier run, or null.',
  })
  unavailable!: BalanceUnavailableResponse | null;
}

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('workspaces/:ws/accounts/:accountId')
export class SyncController {
  constructor(
    private readonly sync: SyncService,
    private readonly accounts: AccountsService,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
  ) {}

  @Post('sync')
  @HttpCode(202)
  @WorkspaceScoped('usage.record')
  @ApiOperation({
    summary:
      'Sync now: reads the days missing since the last run plus the look-back window; or, with `from` and `to`, re-reads exactly that range ' +
      '(superseding what the provider revised, nothing else). Follow it in …/sync-runs.',
  })
  @ApiAcceptedResponse({ description: '`started` with the run id, or `already-running`.' })
  async start(@CurrentWorkspace() ctx: WorkspaceContext, @Param('accountId') accountId: string, @Body() body: SyncRequestBody = {}): Promise<SyncStartedDto> {
    const range = resyncRange(body);
    const account = await this.accounts.load(ctx, accountId);
    if (!isSyncProvider(account.provider)) {
      throw new BadRequestException(`${account.provider} has no usage API: send its usage through the ingest API, a CSV import or manual entries.`);
    }
    const outcome = await this.sync.start(ctx.workspaceId, accountId, 'manual', range);
    return outcome.state === 'started' ? { runId: outcome.runId, state: 'started' } : { runId: null, state: 'already-running' };
  }

  @Get('sync-runs')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Sync history of the account, newest first, with the progress of a running run.' })
  async runs(@CurrentWorkspace() ctx: WorkspaceContext, @Param('accountId') accountId: string): Promise<Page<SyncRunDto>> {
    await this.accounts.load(ctx, accountId);
    const rows = await this.db.query<SyncRunRow & BalanceColumns>(
      `select run_id, kind, status, range_from::text as range_from, range_to::text as range_to, days_done, days_total, started_at, finished_at,
              appended, requests, pending_days, warnings, error_category, error_code, error_message, ${BALANCE_COLUMNS}
         from sync_runs r cross join lateral (select to_jsonb(r) as j) row_json
        where workspace_id = $1 and account_id = $2 order by started_at desc limit 50`,
      [ctx.workspaceId, accountId],
    );
    return { items: rows.map((row) => this.toDto(row)), nextCursor: null };
  }

  @Get('balance')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary:
      "The account's prepaid credit balance (OpenRouter: credits purchased, used and remaining), as the latest sync run read it, " +
      'and why the latest read failed when it did. Each sync run reads it after the usage; a failed read never fails the run.',
  })
  @ApiOkResponse({ type: AccountBalanceResponse })
  async balance(@CurrentWorkspace() ctx: WorkspaceContext, @Param('accountId') accountId: string): Promise<AccountBalanceDto> {
    const account = await this.accounts.load(ctx, accountId);
    const none: AccountBalanceDto = { accountId, supported: BALANCE_PROVIDERS.has(account.provider), balance: null, unavailable: null };
    if (!none.supported) return none;
    // The latest attempt, and the latest balance read (an older one when that attempt failed).
    const latest = await this.latestBalanceRun(ctx.workspaceId, accountId, ['read', 'unavailable']);
    const read = latest?.balance_status === 'read' ? latest : await this.latestBalanceRun(ctx.workspaceId, accountId, ['read']);
    return {
      ...none,
      balance: read
        ? {
            totalCredits: read.balance_total_credits ?? '0',
            totalUsage: read.balance_total_usage ?? '0',
            remaining: read.balance_remaining ?? '0',
            currency: 'USD',
            readAt: iso(read.balance_read_at),
            runId: read.run_id,
          }
        : null,
      unavailable:
        latest?.balance_status === 'unavailable'
          ? {
              category: latest.balance_error_category ?? '',
              code: latest.balance_error_code ?? '',
              message: latest.balance_error_message ?? '',
              at: iso(latest.balance_read_at),
              runId: latest.run_id,
            }
          : null,
    };
  }

  private async latestBalanceRun(workspaceId: string, accountId: string, statuses: readonly string[]): Promise<(BalanceColumns & { run_id: string }) | undefined> {
    const [row] = await this.db.query<BalanceColumns & { run_id: string }>(
      `select run_id, ${BALANCE_COLUMNS}
         from sync_runs r cross join lateral (select to_jsonb(r) as j) row_json
        where workspace_id = $1 and account_id = $2 and j ->> 'balance_status' in (select jsonb_array_elements_text($3::jsonb))
        order by started_at desc limit 1`,
      [workspaceId, accountId, JSON.stringify(statuses)],
    );
    return row;
  }

  private toDto(row: SyncRunRow & BalanceColumns): SyncRunDto {
    const json = (value: string[] | string) => (typeof value === 'string' ? (JSON.parse(value) as string[]) : value);
    return {
      id: row.run_id,
      kind: row.kind,
      status: row.status,
      from: row.range_from,
      to: row.range_to,
      daysDone: Math.min(row.days_done, row.days_total),
      daysTotal: row.days_total,
      currentStep: row.status === 'running' ? this.sync.currentStep(row.run_id) : null,
      startedAt: new Date(row.started_at).toISOString(),
      finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
      appended: row.appended,
      requests: row.requests,
      pendingDays: json(row.pending_days),
      warnings: json(row.warnings),
      error: row.error_category ? { category: row.error_category, code: row.error_code ?? '', message: row.error_message ?? '' } : null,
      balance: toBalance(row),
    };
  }
}

function toBalance(row: BalanceColumns): SyncRunBalanceDto | null {
  if (row.balance_status === 'read') {
    return {
      status: 'read',
      totalCredits: row.balance_total_credits ?? '0',
      totalUsage: row.balance_total_usage ?? '0',
      remaining: row.balance_remaining ?? '0',
      currency: 'USD',
      readAt: iso(row.balance_read_at),
    };
  }
  if (row.balance_status === 'unavailable') {
    return {
      status: 'unavailable',
      error: { category: row.balance_error_category ?? '', code: row.balance_error_code ?? '', message: row.balance_error_message ?? '' },
      readAt: iso(row.balance_read_at),
    };
  }
  return null;
}

/** A timestamptz as jsonb gives `2026-11-24T10:30:00+00:00`: the API writes instants with `Z`. */
function iso(value: string | null): string {
  return value ? new Date(value).toISOString() : '';
}

function resyncRange(body: SyncRequestBody): { from: string; to: string } | undefined {
  if (!body.from && !body.to) return undefined;
  if (!body.from || !body.to) throw new BadRequestException('Give both from and to to re-sync a range, or neither to sync what is missing.');
  const today = new Date().toISOString().slice(0, 10);
  if (body.from > body.to) throw new BadRequestException(`from (${body.from}) is after to (${body.to}).`);
  if (body.to > today) throw new BadRequestException(`to (${body.to}) is in the future; the last day with data is today (${today}).`);
  const days = (Date.parse(body.to) - Date.parse(body.from)) / 86_400_000 + 1;
  if (days > MAX_RESYNC_DAYS) throw new BadRequestException(`A re-sync covers at most ${MAX_RESYNC_DAYS} days (asked: ${days}).`);
  return { from: body.from, to: body.to };
}
