import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import { AlertEvaluator } from './alert-evaluator';
import { AlertsService } from './alerts.service';
import { Anomalies, AnomaliesResponseDto, parseSensitivity } from './anomalies';
import { BudgetsService } from './budgets.service';
import {
  AlertPageDto,
  AlertSettingsBody,
  AlertSettingsDto,
  AlertsQuery,
  AnomaliesQuery,
  BudgetDto,
  BudgetWriteResponseDto,
  CreateBudgetBody,
  EvaluationResultDto,
  ForecastQuery,
  UpdateBudgetBody,
} from './dto';
import { Forecasts, ForecastResponseDto } from './forecasts';

@ApiTags('budgets & alerts')
@ApiBearerAuth()
@Controller('workspaces/:ws')
export class BudgetsController {
  private readonly forecasts: Forecasts;
  private readonly anomalies: Anomalies;

  constructor(
    private readonly budgets: BudgetsService,
    private readonly alerts: AlertsService,
    private readonly evaluator: AlertEvaluator,
    @Inject(SQL_DATABASE) db: SqlDatabase,
  ) {
    this.forecasts = new Forecasts(db);
    this.anomalies = new Anomalies(db);
  }

  @Get('budgets')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: "Monthly budgets of the workspace, each with this month's spend of its scope." })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/BudgetDto' } }, nextCursor: { type: 'string', nullable: true } } } })
  async list(@CurrentWorkspace() ctx: WorkspaceContext): Promise<{ items: BudgetDto[]; nextCursor: null }> {
    return { items: await this.budgets.list(ctx.workspaceId), nextCursor: null };
  }

  @Post('budgets')
  @WorkspaceScoped('budgets.manage')
  @ApiOperation({ summary: 'Define a monthly budget for the workspace, a provider, an account, a model or a project (one per scope).' })
  @ApiOkResponse({ type: BudgetWriteResponseDto })
  create(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: CreateBudgetBody): Promise<BudgetWriteResponseDto> {
    return this.budgets.create(ctx, body);
  }

  @Patch('budgets/:budgetId')
  @WorkspaceScoped('budgets.manage')
  @ApiOperation({ summary: "Change a budget's name, amount or thresholds. Alerts of the old amount resolve at the next evaluation." })
  @ApiOkResponse({ type: BudgetWriteResponseDto })
  update(@CurrentWorkspace() ctx: WorkspaceContext, @Param('budgetId') budgetId: string, @Body() body: UpdateBudgetBody): Promise<BudgetWriteResponseDto> {
    return this.budgets.update(ctx, budgetId, body);
  }

  @Delete('budgets/:budgetId')
  @WorkspaceScoped('budgets.manage')
  @ApiOperation({ summary: 'Remove a budget; its open alerts resolve at the next evaluation.' })
  remove(@CurrentWorkspace() ctx: WorkspaceContext, @Param('budgetId') budgetId: string): Promise<{ position: string }> {
    return this.budgets.remove(ctx, budgetId);
  }

  @Get('alert-settings')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: "The workspace's alert settings: anomaly sensitivity and low-credit threshold." })
  @ApiOkResponse({ type: AlertSettingsDto })
  async settings(@CurrentWorkspace() ctx: WorkspaceContext): Promise<AlertSettingsDto> {
    return this.budgets.settings(ctx.workspaceId);
  }

  @Put('alert-settings')
  @WorkspaceScoped('budgets.manage')
  @ApiOperation({
    summary:
      'Set the anomaly sensitivity (low, medium (default), high, or a score threshold from 1 to 20) and/or the low-credit threshold (default: below the larger of 10% of the credits purchased and $5). What is left out stays.',
  })
  @ApiOkResponse({ type: AlertSettingsDto })
  setSettings(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: AlertSettingsBody): Promise<AlertSettingsDto & { position: string }> {
    return this.budgets.setSettings(ctx, {
      anomalySensitivity: body.anomalySensitivity ?? undefined,
      lowCredit: body.lowCredit ? { percent: body.lowCredit.percent ?? undefined, amount: body.lowCredit.amount ?? undefined } : undefined,
    });
  }

  @Get('forecast')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary:
      'Month-end forecast (median, 80% and 95% intervals, per-day bands) of the workspace total or per provider, account or model, and for each budget the days its spend is projected to reach it. Under 14 days of history the forecast says insufficientHistory and its interval is wide.',
  })
  @ApiOkResponse({ type: ForecastResponseDto })
  async forecast(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: ForecastQuery): Promise<ForecastResponseDto> {
    return this.forecasts.forecast(ctx.workspaceId, query, await this.budgets.activeBudgets(ctx.workspaceId));
  }

  @Get('anomalies')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Unusual days (spikes, drops, drops to zero) per account and per model over recent complete days, with the expected cost and severity.' })
  @ApiOkResponse({ type: AnomaliesResponseDto })
  async anomaliesList(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: AnomaliesQuery): Promise<AnomaliesResponseDto> {
    const settings = await this.budgets.settings(ctx.workspaceId);
    return this.anomalies.detect(ctx.workspaceId, { days: query.days ?? 14, sensitivity: parseSensitivity(query.sensitivity, settings.anomalySensitivity), through: query.through });
  }

  @Get('alerts')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Alerts, newest first: open, acknowledged and resolved (filter with status, kind).' })
  @ApiOkResponse({ type: AlertPageDto })
  alertList(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: AlertsQuery): Promise<AlertPageDto> {
    return this.alerts.list(ctx.workspaceId, query);
  }

  @Post('alerts/:alertId/acknowledge')
  @HttpCode(200)
  @WorkspaceScoped('budgets.manage')
  @ApiOperation({ summary: 'Mark an alert as seen. It still resolves by itself when its condition clears.' })
  acknowledge(@CurrentWorkspace() ctx: WorkspaceContext, @Param('alertId') alertId: string): Promise<{ alert: { id: string; status: string }; position: string }> {
    return this.alerts.acknowledge(ctx, alertId);
  }

  @Post('alerts/evaluate')
  @HttpCode(200)
  @WorkspaceScoped('budgets.manage')
  @ApiOperation({ summary: 'Evaluate the alert rules of this workspace now (they also run on a schedule). Skipped during a projection rebuild or a recompute.' })
  @ApiOkResponse({ type: EvaluationResultDto })
  evaluate(@CurrentWorkspace() ctx: WorkspaceContext): Promise<EvaluationResultDto> {
    return this.evaluator.evaluateWorkspace(ctx.workspaceId);
  }
}
