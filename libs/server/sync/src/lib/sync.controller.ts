import { BadRequestException, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isSyncProvider } from '@act/server/connectors';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import { AccountsService } from '@act/server/accounts';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import type { Page, SyncRunDto, SyncStartedDto } from '@act/contracts';
import { SyncService } from './sync.service';

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
  @ApiOperation({ summary: 'Sync now: reads the days missing since the last run plus the look-back window. Follow it in …/sync-runs.' })
  @ApiAcceptedResponse({ description: '`started` with the run id, or `already-running`.' })
  async start(@CurrentWorkspace() ctx: WorkspaceContext, @Param('accountId') accountId: string): Promise<SyncStartedDto> {
    const account = await this.accounts.load(ctx, accountId);
    if (!isSyncProvider(account.provider)) {
      throw new BadRequestException(`${account.provider} has no usage API: send its usage through the ingest API, a CSV import or manual entries.`);
    }
    const outcome = await this.sync.start(ctx.workspaceId, accountId, 'manual');
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
