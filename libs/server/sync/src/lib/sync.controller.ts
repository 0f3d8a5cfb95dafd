import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { isSyncProvider } from '@act/server/connectors';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import { AccountsService } from '@act/server/accounts';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import type { Page, SyncRunDto, SyncStartedDto } from '@act/contracts';
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
    const rows = await this.db.query<SyncRunRow>(
      `select run_id, kind, status, range_from::text as range_from, range_to::text as range_to, days_done, days_total, started_at, finished_at,
              appended, requests, pending_days, warnings, error_category, error_code, error_message
         from sync_runs where workspace_id = $1 and account_id = $2 order by started_at desc limit 50`,
      [ctx.workspaceId, accountId],
    );
    return { items: rows.map((row) => this.toDto(row)), nextCursor: null };
  }

  private toDto(row: SyncRunRow): SyncRunDto {
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
    };
  }
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
