import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DailyCostSeriesDto, UsageEventDto, UsageEventsPageDto, UsageMonthSummaryDto } from '@act/contracts';
import type { SqlDatabase } from '@act/server/database';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import { SQL_DATABASE } from '@act/server/platform';
import { AuditQueries, UsageQueries } from '@act/server/usage';
import { DailySeriesQuery, MonthQuery, UsageEventsQuery } from './dto/queries';
import { DailyCostSeriesResponse, UsageEventsResponse, UsageMonthSummaryResponse } from './dto/responses';
import { checkRange, MAX_RANGE_DAYS } from './ranges';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('workspaces/:ws/usage')
export class UsageController {
  constructor(
    private readonly usage: UsageQueries,
    private readonly audit: AuditQueries,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
  ) {}

  @Get('summary')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary: 'Month summary: estimated and reconciled cost, by provider, account, model and project',
    description:
      'Estimated = usage × the price catalogue (the version in force each day); reconciled = what providers billed. ' +
      'Unpriced usage is counted apart (estimatedIsLowerBound), never as $0. `version` reads an earlier cost version. ' +
      'A closed month also shows what it reported at the close and the adjustment lines since (`closed`).',
  })
  @ApiOkResponse({ type: UsageMonthSummaryResponse })
  @ApiBadRequestResponse({ description: 'month is not YYYY-MM, or version is not a number (problem+json, errors by parameter).' })
  summary(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: MonthQuery): Promise<UsageMonthSummaryDto> {
    return this.usage.monthSummary(ctx.workspaceId, query.month, { version: query.version });
  }

  @Get('daily')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary: 'Daily series grouped by provider, account, model or project',
    description:
      `Estimated and reconciled cost per UTC day and group over [from, to], at most ${MAX_RANGE_DAYS} days. ` +
      'Reconciled is what was billed and can be attributed to the group (by model and project: costs that came with usage, and billed lines that name a project); null when nothing was, which is not $0.',
  })
  @ApiOkResponse({ type: DailyCostSeriesResponse })
  @ApiBadRequestResponse({ description: 'Bad days, to before from, more than 400 days, or an unknown groupBy.' })
  daily(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: DailySeriesQuery): Promise<DailyCostSeriesDto> {
    checkRange(query.from, query.to);
    return this.usage.dailySeries(ctx.workspaceId, { from: query.from, to: query.to, groupBy: query.groupBy ?? 'provider', version: query.version });
  }

  @Get('events')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary: 'The observations behind a cell (account × day, optionally one requestType)',
    description:
      'Each current observation with its source (usage-api, request-log, manual, import), the price version it was estimated with ' +
      "(PriceSet id, effective date, catalogue or override, how the model matched), the cost lines, and the provider's raw numbers.",
  })
  @ApiOkResponse({ type: UsageEventsResponse })
  async events(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: UsageEventsQuery): Promise<UsageEventsPageDto> {
    const accounts = query.accountId
      ? [query.accountId]
      : (
          await this.db.query<{ account_id: string }>(
            'select distinct account_id from usage_latest where workspace_id = $1 and day = $2::date order by account_id',
            [ctx.workspaceId, query.day],
          )
        ).map((r) => r.account_id);
    const items: UsageEventDto[] = [];
    let costVersion: number | null = null;
    for (const accountId of accounts) {
      const cell = await this.audit.cell(ctx.workspaceId, accountId, query.day, { version: query.version });
      costVersion = cell.costVersion;
      for (const observation of cell.observations) {
        if (query.requestType === undefined || observation.requestType === query.requestType) items.push({ accountId, ...observation });
      }
    }
    if (costVersion === null) {
      // No account had usage that day: still answer which version was read (and 404 an unknown one).
      costVersion = (await this.usage.dailySeries(ctx.workspaceId, { from: query.day, to: query.day, groupBy: 'account', version: query.version })).costVersion;
    }
    return {
      workspaceId: ctx.workspaceId,
      day: query.day,
      accountId: query.accountId ?? null,
      requestType: query.requestType ?? null,
      costVersion,
      items,
      nextCursor: null,
    };
  }
}
