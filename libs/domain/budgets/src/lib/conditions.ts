import Decimal from 'decimal.js';
import { alertId, type AlertCondition, type AlertKind, type AlertResolution, type AlertSeverity } from './alert';
import type { Budget, LowCreditSettings } from './budget';

/*
 * The alert rules, as pure functions from what the read models say to the conditions that hold
 * now. The server's evaluator gathers the figures (spend, forecasts, anomaly verdicts, sync runs),
 * asks these for the conditions, and `planAlerts` compares them with the alerts already known:
 * new conditions are raised, known alerts whose condition is gone are resolved.
 *
 * Alert ids (see `alertId`) carry what makes a condition *that* condition:
 *   budget-threshold  budget id | month | threshold % and the budget's amount
 *   forecast-overrun  budget id | month | the budget's amount
 *   anomaly           account:<id> or model:<provider/model> | day | spike or drop
 *   sync-failing      account id | the first failed run of the current failure streak
 *   unpriced-usage    provider/model | month
 *   low-credit        account id | credits:<total purchased> | low or overdrawn
 * The amount is part of a budget alert's identity: raising a budget from $100 to $200 clears
 * "80% of $100" (resolved: budget-changed) and "80% of $200" is a new condition, raised when
 * spending reaches $160. Within one condition and period an alert is raised once, whatever
 * happens after (see alertDecider), so a flapping figure never notifies twice.
 */

const pct = (spent: Decimal, amount: Decimal) => (amount.isZero() ? 0 : spent.div(amount).times(100).toDecimalPlaces(1).toNumber());

export function thresholdSeverity(threshold: number): AlertSeverity {
  return threshold >= 100 ? 'critical' : threshold >= 80 ? 'warning' : 'info';
}

/** Each threshold of the budget that the month's actual spend has reached. */
export function thresholdConditions(input: { workspaceId: string; budget: Budget; month: string; spent: string }): AlertCondition[] {
  const { workspaceId, budget, month } = input;
  const amount = new Decimal(budget.amount);
  const spent = new Decimal(input.spent);
  return budget.thresholds
    .filter((threshold) => spent.gte(amount.times(threshold).div(100)))
    .map((threshold) => {
      const limit = amount.times(threshold).div(100);
      return {
        alertId: alertId({ workspaceId, kind: 'budget-threshold', subject: budget.budgetId, period: month, threshold: `${threshold}%@${budget.amount}` }),
        workspaceId,
        kind: 'budget-threshold',
        severity: thresholdSeverity(threshold),
        subject: { kind: 'budget', key: budget.budgetId, label: budget.name },
        period: month,
        title: `${budget.name}: ${threshold}% of the monthly budget reached`,
        message: `Spending in ${month} is $${spent.toFixed(2)}, ${pct(spent, amount)}% of the $${amount.toFixed(2)} budget (threshold ${threshold}%: $${limit.toFixed(2)}).`,
        details: { budgetId: budget.budgetId, threshold, amount: budget.amount, limit: limit.toFixed(), spent: spent.toFixed(), percentUsed: pct(spent, amount) },
      };
    });
}

/** What the forecast says about one budget (from `forecastMonth` and `projectedCrossing`). */
export interface BudgetForecastFacts {
  readonly insufficientHistory: boolean;
  readonly point: string;
  readonly p80Upper: string;
  /** First day the actual month-to-date total reached the budget, or null. */
  readonly actual: string | null;
  /** First day the median / upper 80% month-to-date curve reaches it, or null. */
  readonly median: string | null;
  readonly upper80: string | null;
}

/**
 * Forecast overrun: the 80% interval reaches the budget within the month while the actual spend
 * has not yet. Not judged on insufficient history: a forecast from a few days says so and is too
 * wide to warn on (the threshold alerts still watch the actual spend).
 */
export function forecastCondition(input: { workspaceId: string; budget: Budget; month: string; spent: string; forecast: BudgetForecastFacts }): AlertCondition | null {
  const { workspaceId, budget, month, forecast } = input;
  if (forecast.insufficientHistory || forecast.actual !== null || forecast.upper80 === null) return null;
  const amount = new Decimal(budget.amount);
  const projected = forecast.median ?? forecast.upper80;
  return {
    alertId: alertId({ workspaceId, kind: 'forecast-overrun', subject: budget.budgetId, period: month, threshold: `@${budget.amount}` }),
    workspaceId,
    kind: 'forecast-overrun',
    severity: forecast.median !== null ? 'critical' : 'warning',
    subject: { kind: 'budget', key: budget.budgetId, label: budget.name },
    period: month,
    title: `${budget.name}: the forecast exceeds the monthly budget`,
    message:
      forecast.median !== null
        ? `At the current pace the $${amount.toFixed(2)} budget is likely reached on ${forecast.median} (possibly from ${forecast.upper80}); month-end forecast $${new Decimal(forecast.point).toFixed(2)}.`
        : `The budget of $${amount.toFixed(2)} may be reached from ${forecast.upper80} (upper end of the 80% interval); month-end forecast $${new Decimal(forecast.point).toFixed(2)}.`,
    details: {
      budgetId: budget.budgetId,
      amount: budget.amount,
      spent: new Decimal(input.spent).toFixed(),
      projectedDate: projected,
      medianDate: forecast.median,
      earliestDate: forecast.upper80,
      forecast: forecast.point,
      forecastUpper80: forecast.p80Upper,
    },
  };
}

/** An anomalous day of an account or a model (a verdict of `detectAnomalies`). */
export function anomalyCondition(input: {
  workspaceId: string;
  series: { kind: 'account' | 'model'; key: string; label: string };
  day: string;
  anomaly: 'spike' | 'drop' | 'drop-to-zero';
  severity: AlertSeverity;
  cost: string;
  expected: string;
  score: number;
}): AlertCondition {
  const { workspaceId, series, day, anomaly } = input;
  const direction = anomaly === 'spike' ? 'spike' : 'drop';
  const cost = new Decimal(input.cost);
  const expected = new Decimal(input.expected);
  const what = series.kind === 'account' ? `Account ${series.label}` : `Model ${series.label}`;
  const title =
    anomaly === 'spike' ? `${what}: unusual spending on ${day}` : anomaly === 'drop-to-zero' ? `${what}: no spending on ${day}` : `${what}: unusually low spending on ${day}`;
  const hint = anomaly === 'drop-to-zero' ? ' A sudden stop often means a broken sync or a revoked key.' : '';
  return {
    alertId: alertId({ workspaceId, kind: 'anomaly', subject: `${series.kind}:${series.key}`, period: day, threshold: direction }),
    workspaceId,
    kind: 'anomaly',
    severity: input.severity,
    subject: { kind: series.kind, key: series.key, label: series.label },
    period: day,
    title,
    message: `${day} cost $${cost.toFixed(2)} where about $${expected.toFixed(2)} was expected (score ${input.score.toFixed(1)}).${hint}`,
    details: { anomaly, cost: cost.toFixed(), expected: expected.toFixed(), score: Math.round(input.score * 100) / 100 },
  };
}

/** One account's sync runs, newest first (finished ones only matter). */
export interface SyncRunFact {
  readonly runId: string;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly startedAt: string;
  readonly errorCategory: string | null;
  readonly errorMessage: string | null;
}

/** The failed runs since an account's last finished run that did not fail. */
export interface FailingStreak {
  /** The newest failed run: its error is the one shown. */
  readonly latest: SyncRunFact;
  /** The oldest failed run of the streak: it names the condition. */
  readonly first: SyncRunFact;
  readonly failedRuns: number;
}

/**
 * The failure streak of runs listed newest first (running ones ignored), or null when the latest
 * finished run did not fail. The list must reach back past the streak's first run, or to the
 * account's first run; the evaluator reads the streak's ends and length in SQL instead, so a
 * streak of any length is one condition.
 */
export function failingStreak(runsNewestFirst: readonly SyncRunFact[]): FailingStreak | null {
  const finished = runsNewestFirst.filter((r) => r.status !== 'running');
  if (finished.length === 0 || finished[0].status !== 'failed') return null;
  const streak = [];
  for (const run of finished) {
    if (run.status !== 'failed') break;
    streak.push(run);
  }
  return { latest: streak[0], first: streak[streak.length - 1], failedRuns: streak.length };
}

/**
 * The account needs attention when its latest finished run failed. The condition is the failure
 * streak, named by its first failed run: an hourly scheduler failing again and again is still
 * one alert, resolved by the first run that succeeds.
 */
export function syncFailingCondition(input: { workspaceId: string; account: { id: string; label: string }; streak: FailingStreak | null }): AlertCondition | null {
  if (!input.streak) return null;
  const { latest, first, failedRuns } = input.streak;
  const { workspaceId, account } = input;
  return {
    alertId: alertId({ workspaceId, kind: 'sync-failing', subject: account.id, period: first.runId }),
    workspaceId,
    kind: 'sync-failing',
    severity: 'warning',
    subject: { kind: 'account', key: account.id, label: account.label },
    period: first.runId,
    title: `Account ${account.label}: sync is failing`,
    message: `The latest sync of ${account.label} failed${latest.errorCategory ? ` (${latest.errorCategory})` : ''}: ${latest.errorMessage ?? 'no details'}. Usage since then is missing until it is fixed.`,
    details: { accountId: account.id, failedRuns, firstFailedAt: first.startedAt, errorCategory: latest.errorCategory, error: latest.errorMessage },
  };
}

/** Usage of a model without a known price this month: its cost is missing from every total. */
export function unpricedCondition(input: { workspaceId: string; model: string; month: string; rows: number }): AlertCondition {
  const { workspaceId, model, month } = input;
  return {
    alertId: alertId({ workspaceId, kind: 'unpriced-usage', subject: model, period: month }),
    workspaceId,
    kind: 'unpriced-usage',
    severity: 'info',
    subject: { kind: 'model', key: model, label: model },
    period: month,
    title: `Usage of ${model} has no price`,
    message: `Usage of ${model} in ${month} has no price in the catalogue: its cost is not in the totals. Add a price override for it.`,
    details: { model, rows: input.rows },
  };
}

/** The latest prepaid credit balance a sync run read for an account (USD decimal text, exact). */
export interface CreditBalanceFact {
  readonly runId: string;
  readonly readAt: string;
  /** Credits purchased, in total. */
  readonly totalCredits: string;
  readonly totalUsage: string;
  /** `totalCredits − totalUsage`; negative when overdrawn. */
  readonly remaining: string;
}

/** The balance under which credit counts as low: the larger of `percent`% of the credits purchased and `amount`. */
export function lowCreditThreshold(totalCredits: string, settings: LowCreditSettings): string {
  const share = Decimal.max(new Decimal(totalCredits), 0).times(settings.percent).div(100);
  return Decimal.max(share, new Decimal(settings.amount)).toFixed();
}

const usd = (value: Decimal) => (value.isNegative() ? `-$${value.abs().toFixed(2)}` : `$${value.toFixed(2)}`);

/**
 * A prepaid credit balance (OpenRouter) running out, judged on the latest balance read of the account only:
 * a read that failed since leaves that one the latest, so it neither raises nor resolves anything by itself.
 * - `low` (warning): remaining below `lowCreditThreshold`;
 * - `overdrawn` (critical): remaining at or below zero — the provider refuses requests from here on.
 * Both hold at once for an overdrawn account (like a budget's 80% and 100% thresholds): the warning may have
 * gone out already, and the critical one is news.
 *
 * The period is the total of credits purchased. Usage only grows, so within one period a low balance stays
 * low until credits are bought: one alert per level and period however often the balance is read (or the
 * threshold changed). A top-up (the total grew) ends the period: its alerts resolve (`topped-up`), and a balance
 * still low after it is a new period, with a new alert.
 */
export function lowCreditConditions(input: {
  workspaceId: string;
  account: { id: string; label: string; provider: string };
  balance: CreditBalanceFact;
  settings: LowCreditSettings;
}): AlertCondition[] {
  const { workspaceId, account, balance, settings } = input;
  const total = new Decimal(balance.totalCredits);
  const remaining = new Decimal(balance.remaining);
  const threshold = new Decimal(lowCreditThreshold(balance.totalCredits, settings));
  const period = `credits:${total.toFixed()}`;
  const details = {
    accountId: account.id,
    provider: account.provider,
    remaining: remaining.toFixed(),
    totalCredits: total.toFixed(),
    totalUsage: new Decimal(balance.totalUsage).toFixed(),
    currency: 'USD',
    threshold: threshold.toFixed(),
    thresholdPercent: settings.percent,
    thresholdAmount: settings.amount,
    readAt: balance.readAt,
    runId: balance.runId,
  };
  const rule = `below ${usd(threshold)}: the larger of ${settings.percent}% of the ${usd(total)} purchased and ${usd(new Decimal(settings.amount))}`;
  const condition = (level: 'low' | 'overdrawn', severity: AlertCondition['severity'], title: string, message: string): AlertCondition => ({
    alertId: alertId({ workspaceId, kind: 'low-credit', subject: account.id, period, threshold: level }),
    workspaceId,
    kind: 'low-credit',
    severity,
    subject: { kind: 'account', key: account.id, label: account.label },
    period,
    title: `Account ${account.label}: ${title}`,
    message,
    details: { ...details, level },
  });
  const found: AlertCondition[] = [];
  if (remaining.lt(threshold)) {
    found.push(
      condition('low', 'warning', 'credit balance low', `${account.label} has ${usd(remaining)} of credit left (${rule}). Top up to keep requests working: the provider refuses them without credit.`),
    );
  }
  if (remaining.lte(0)) {
    found.push(
      condition(
        'overdrawn',
        'critical',
        'out of credit',
        `${account.label} has ${usd(remaining)} of credit left: ${usd(new Decimal(balance.totalUsage))} used of ${usd(total)} purchased. The provider refuses requests until it is topped up.`,
      ),
    );
  }
  return found;
}

/** An alert the read model knows, not yet resolved. */
export interface KnownAlert {
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly period: string;
  readonly subjectKey: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AlertPlan {
  readonly raise: readonly AlertCondition[];
  readonly resolve: readonly { alertId: string; reason: AlertResolution }[];
}

export interface EvaluationContext {
  /** Kinds whose rules ran completely in this evaluation: only their alerts may resolve. */
  readonly evaluatedKinds: ReadonlySet<AlertKind>;
  /** The active budgets by id. */
  readonly budgets: ReadonlyMap<string, Budget>;
  /** Budgets whose actual spend has reached their amount this month. */
  readonly reachedBudgets: ReadonlySet<string>;
  /** The current month. */
  readonly month: string;
  /** The first day the anomaly rule judged: anomaly alerts of earlier days end with their period. */
  readonly anomalyFrom: string;
  /** The latest balance read of each (connected) account that has one, by account id. */
  readonly creditBalances: ReadonlyMap<string, CreditBalanceFact>;
}

/**
 * Compares the conditions that hold with the open alerts: conditions without an alert are
 * raised (the decider drops those already raised, so a stale read model costs nothing), and
 * open alerts of an evaluated kind whose condition no longer holds are resolved, with why.
 */
export function planAlerts(known: readonly KnownAlert[], conditions: readonly AlertCondition[], context: EvaluationContext): AlertPlan {
  const holding = new Set(conditions.map((c) => c.alertId));
  const knownIds = new Set(known.map((a) => a.alertId));
  const raise = conditions.filter((c) => !knownIds.has(c.alertId));
  const resolve = known
    .filter((a) => context.evaluatedKinds.has(a.kind) && !holding.has(a.alertId))
    .map((a) => ({ alertId: a.alertId, reason: resolutionReason(a, context) }));
  return { raise, resolve };
}

function resolutionReason(alert: KnownAlert, context: EvaluationContext): AlertResolution {
  switch (alert.kind) {
    case 'budget-threshold':
    case 'forecast-overrun': {
      if (alert.period < context.month) return 'period-ended';
      const budget = context.budgets.get(alert.subjectKey);
      if (!budget) return 'budget-removed';
      if (alert.details['amount'] !== budget.amount) return 'budget-changed';
      if (alert.kind === 'budget-threshold' && !budget.thresholds.includes(Number(alert.details['threshold']))) return 'budget-changed';
      if (alert.kind === 'forecast-overrun' && context.reachedBudgets.has(budget.budgetId)) return 'overrun-happened';
      return 'condition-cleared';
    }
    case 'unpriced-usage':
      return alert.period < context.month ? 'period-ended' : 'condition-cleared';
    case 'sync-failing':
      return 'sync-recovered';
    case 'anomaly':
      return alert.period < context.anomalyFrom ? 'period-ended' : 'condition-cleared';
    case 'low-credit': {
      const balance = context.creditBalances.get(alert.subjectKey);
      if (!balance) return 'account-disconnected';
      const purchased = alert.details['totalCredits'];
      if (typeof purchased === 'string' && new Decimal(balance.totalCredits).gt(purchased)) return 'topped-up';
      return 'condition-cleared';
    }
  }
}
