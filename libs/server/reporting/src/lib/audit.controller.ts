import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { AuditCellDetailDto, AuditMonthDto, PeriodClosedDto } from '@act/contracts';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import { AuditQueries, CostCommands } from '@act/server/usage';
import { AuditCellQuery, MonthQuery } from './dto/queries';
import { AuditCellDetailResponse, AuditMonthResponse, PeriodClosedResponse } from './dto/responses';
import { requireMonthParam } from './ranges';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('workspaces/:ws')
export class AuditController {
  constructor(
    private readonly audit: AuditQueries,
    private readonly costs: CostCommands,
  ) {}

  @Get('audit')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary: 'Audit of a month: estimated vs reconciled per account × day × line, with statuses',
    description:
      'One cell per account and UTC day with usage or billed cost; its lines are the usage requestTypes (estimated side, with the price ' +
      'version used) and the billed line items (reconciled side). Status per cell: estimated, reconciled, manual, unpriced, or pending ' +
      "(the provider's data for the day is not final). Drill down with GET …/audit/cells.",
  })
  @ApiOkResponse({ type: AuditMonthResponse })
  @ApiBadRequestResponse({ description: 'month is not YYYY-MM.' })
  month(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: MonthQuery): Promise<AuditMonthDto> {
    return this.audit.month(ctx.workspaceId, query.month, { version: query.version });
  }

  @Get('audit/cells')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary: 'Drill-down of one audit cell: the observations and billed lines behind it',
    description: "Source, price version, cost lines and the provider's raw numbers of every current observation of the account that day, and its billed lines.",
  })
  @ApiOkResponse({ type: AuditCellDetailResponse })
  cell(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: AuditCellQuery): Promise<AuditCellDetailDto> {
    return this.audit.cell(ctx.workspaceId, query.accountId, query.day, { version: query.version });
  }

  @Post('periods/:month/close')
  @HttpCode(200)
  @WorkspaceScoped('accounts.manage')
  @ApiParam({ name: 'month', example: '2026-02', description: 'A finished UTC month, YYYY-MM.' })
  @ApiOperation({
    summary: 'Close a finished month: its reported figures are frozen',
    description:
      'Copies what the month reports now. A later price change or late data never rewrites it: the month summary and audit show the ' +
      'reported figures and, as adjustment lines, every change since (reported + adjustments = current). Closing again is a no-op. ' +
      'Owners and admins.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Accepted and not needed: closing a closed month changes nothing.' })
  @ApiOkResponse({ type: PeriodClosedResponse })
  @ApiBadRequestResponse({ description: 'month is not YYYY-MM.' })
  @ApiUnprocessableEntityResponse({ description: 'The month has not ended yet.' })
  async close(@CurrentWorkspace() ctx: WorkspaceContext, @Param('month') month: string): Promise<PeriodClosedDto> {
    requireMonthParam(month);
    const result = await this.costs.closePeriod(ctx.workspaceId, month, { actor: ctx.userId });
    return { month, position: String(result.position), closedNow: result.appended > 0 };
  }
}
