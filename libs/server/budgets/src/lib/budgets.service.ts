import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  BUDGET_EVENT_TYPES,
  budgetsDecider,
  budgetsStreamId,
  DEFAULT_ALERT_SETTINGS,
  type AlertSettings,
  type AnomalySensitivity,
  type LowCreditSettings,
  type Budget,
  type BudgetCommand,
  type BudgetEvent,
  type BudgetsState,
} from '@act/domain/budgets';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import type { SqlDatabase } from '@act/server/database';
import { DeciderStream, EVENT_STORE, type EventStore } from '@act/server/event-store';
import type { WorkspaceContext } from '@act/server/identity';
import { SQL_DATABASE } from '@act/server/platform';
import type { BudgetDto, BudgetWriteResponseDto, CreateBudgetBody, UpdateBudgetBody } from './dto';
import { forecastWindow, Forecasts, percentUsed } from './forecasts';
import { accountLabels, monthOf, utcDay } from './ledger-series';

interface BudgetRow {
  budget_id: string;
  name: string;
  scope_kind: Budget['scope']['kind'];
  scope_key: string | null;
  amount: string;
  thresholds: number[] | string;
  created_at: Date;
  updated_at: Date;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Budgets: commands decided on the workspace's budgets stream, lists from the `budgets` read
 * model with this month's spend of each scope (from the ledger's daily series).
 */
@Injectable()
export class BudgetsService {
  readonly stream: DeciderStream<BudgetCommand, BudgetEvent, BudgetsState>;
  private readonly forecasts: Forecasts;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
  ) {
    this.stream = new DeciderStream(store, budgetsDecider, BUDGET_EVENT_TYPES);
    this.forecasts = new Forecasts(db);
  }

  /** The workspace's active budgets, as the read model has them. */
  async activeBudgets(workspaceId: string): Promise<Budget[]> {
    const rows = await this.db.query<BudgetRow>(
      `select budget_id, name, scope_kind, scope_key, amount::text as amount, thresholds, created_at, updated_at
         from budgets where workspace_id = $1 order by created_at, budget_id`,
      [workspaceId],
    );
    return rows.map(toBudget);
  }

  async settings(workspaceId: string): Promise<AlertSettings> {
    // As JSON text: a jsonb string would otherwise arrive already decoded and look like unparsed text. `low_credit`
    // through to_jsonb(row): a v1 table (while v2 is being rebuilt) has no such column, and answers the default.
    const [row] = await this.db.query<{ value: string; low_credit: string | null }>(
      `select s.anomaly_sensitivity::text as value, (to_jsonb(s) -> 'low_credit')::text as low_credit from alert_settings s where s.workspace_id = $1`,
      [workspaceId],
    );
    if (!row) return DEFAULT_ALERT_SETTINGS;
    const lowCredit = row.low_credit === null ? null : (JSON.parse(row.low_credit) as LowCreditSettings | null);
    return { anomalySensitivity: JSON.parse(row.value) as AlertSettings['anomalySensitivity'], lowCredit: lowCredit ?? DEFAULT_ALERT_SETTINGS.lowCredit };
  }

  async list(workspaceId: string, now = new Date()): Promise<BudgetDto[]> {
    const rows = await this.db.query<BudgetRow>(
      `select budget_id, name, scope_kind, scope_key, amount::text as amount, thresholds, created_at, updated_at
         from budgets where workspace_id = $1 order by created_at, budget_id`,
      [workspaceId],
    );
    const budgets = rows.map(toBudget);
    const window = forecastWindow(monthOf(utcDay(now)), now);
    const spent = await this.forecasts.spentByScope(workspaceId, budgets, window);
    const labels = await accountLabels(this.db, workspaceId);
    return rows.map((row, i) => this.toDto(budgets[i], spent.get(budgets[i].budgetId) ?? '0', window.month, labels, iso(row.created_at), iso(row.updated_at)));
  }

  async create(ctx: WorkspaceContext, body: CreateBudgetBody): Promise<BudgetWriteResponseDto> {
    const scope = { kind: body.scope.kind, key: body.scope.key ?? null };
    await this.checkAccount(ctx.workspaceId, scope);
    const budgetId = randomUUID();
    const result = await this.stream.execute(budgetsStreamId(ctx.workspaceId), {
      type: 'DefineBudget',
      data: { workspaceId: ctx.workspaceId, budgetId, name: body.name, scope, amount: body.amount, thresholds: body.thresholds },
      metadata: { now: new Date(), actorId: ctx.userId },
    });
    return this.written(ctx.workspaceId, result.state.budgets.get(budgetId) as Budget, result.position);
  }

  async update(ctx: WorkspaceContext, budgetId: string, body: UpdateBudgetBody): Promise<BudgetWriteResponseDto> {
    const result = await this.stream.execute(budgetsStreamId(ctx.workspaceId), {
      type: 'ChangeBudget',
      data: { workspaceId: ctx.workspaceId, budgetId, name: body.name, amount: body.amount, thresholds: body.thresholds },
      metadata: { now: new Date(), actorId: ctx.userId },
    });
    const budget = result.state.budgets.get(budgetId);
    if (!budget) throw new NotFoundException('No such budget in this workspace.');
    return this.written(ctx.workspaceId, budget, result.position);
  }

  async remove(ctx: WorkspaceContext, budgetId: string): Promise<{ position: string }> {
    const result = await this.stream.execute(budgetsStreamId(ctx.workspaceId), {
      type: 'RemoveBudget',
      data: { workspaceId: ctx.workspaceId, budgetId },
      metadata: { now: new Date(), actorId: ctx.userId },
    });
    return { position: String(result.position) };
  }

  /** Changes what is given (the sensitivity, the low-credit threshold or a part of it); the rest stays. */
  async setSettings(
    ctx: WorkspaceContext,
    settings: { anomalySensitivity?: AnomalySensitivity; lowCredit?: Partial<LowCreditSettings> },
  ): Promise<AlertSettings & { position: string }> {
    const result = await this.stream.execute(budgetsStreamId(ctx.workspaceId), {
      type: 'ChangeAlertSettings',
      data: {
        workspaceId: ctx.workspaceId,
        ...(settings.anomalySensitivity !== undefined ? { anomalySensitivity: settings.anomalySensitivity } : {}),
        ...(settings.lowCredit !== undefined ? { lowCredit: { percent: settings.lowCredit.percent, amount: settings.lowCredit.amount } } : {}),
      },
      metadata: { now: new Date(), actorId: ctx.userId },
    });
    return { ...result.state.settings, position: String(result.position) };
  }

  private async checkAccount(workspaceId: string, scope: Budget['scope']): Promise<void> {
    if (scope.kind !== 'account' || !scope.key) return;
    const [row] = await this.db.query('select 1 as one from accounts where workspace_id = $1 and account_id = $2', [workspaceId, scope.key]);
    if (!row) throw new DomainRuleViolation('budget.scope', 'scope.key names no account of this workspace: use the id of one of its accounts.');
  }

  private async written(workspaceId: string, budget: Budget, position: bigint): Promise<BudgetWriteResponseDto> {
    const now = new Date();
    const window = forecastWindow(monthOf(utcDay(now)), now);
    const spent = await this.forecasts.spentByScope(workspaceId, [budget], window);
    const labels = await accountLabels(this.db, workspaceId);
    const at = now.toISOString();
    return { budget: this.toDto(budget, spent.get(budget.budgetId) ?? '0', window.month, labels, at, at), position: String(position) };
  }

  private toDto(budget: Budget, spent: string, month: string, labels: Map<string, string>, createdAt: string, updatedAt: string): BudgetDto {
    const { kind, key } = budget.scope;
    return {
      id: budget.budgetId,
      name: budget.name,
      scope: { kind, key, label: key === null ? 'Workspace' : kind === 'account' ? (labels.get(key) ?? key) : key },
      amount: budget.amount,
      currency: 'USD',
      thresholds: [...budget.thresholds],
      month,
      spent,
      percentUsed: percentUsed(spent, budget.amount),
      createdAt,
      updatedAt,
    };
  }
}

function toBudget(row: BudgetRow): Budget {
  return {
    budgetId: row.budget_id,
    name: row.name,
    scope: { kind: row.scope_kind, key: row.scope_key },
    amount: normalizeAmount(row.amount),
    thresholds: typeof row.thresholds === 'string' ? (JSON.parse(row.thresholds) as number[]) : row.thresholds,
  };
}

/** NUMERIC text as the decider normalizes amounts ("500.00" → "500"). */
function normalizeAmount(text: string): string {
  if (!text.includes('.')) return text;
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '' ? '0' : trimmed;
}
