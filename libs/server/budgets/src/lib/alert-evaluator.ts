import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Decimal from 'decimal.js';
import {
  alertEventId,
  alertStreamId,
  anomalyCondition,
  forecastCondition,
  lowCreditConditions,
  planAlerts,
  syncFailingCondition,
  thresholdConditions,
  unpricedCondition,
  type AlertCondition,
  type AlertKind,
  type CreditBalanceFact,
  type KnownAlert,
  type SyncRunFact,
} from '@act/domain/budgets';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { APP_CONFIG, jobLeaseOptions, PROJECTION_RUNNER, SQL_DATABASE, type AppConfig } from '@act/server/platform';
import { JobLease, migrateJobLeases, type ProjectionRunner } from '@act/server/projections';
import { AlertsService } from './alerts.service';
import { Anomalies } from './anomalies';
import { BudgetsService } from './budgets.service';
import { forecastWindow, Forecasts } from './forecasts';
import { addDays, LedgerSeries, monthOf, monthRange, utcDay } from './ledger-series';

/** Recent complete days the anomaly rule judges on each evaluation. */
export const ANOMALY_ALERT_DAYS = 7;
/** Longest wait for the read models to reach the log's head before an evaluation gives up. */
const CATCH_UP_MS = 10_000;

export interface EvaluationResult {
  evaluatedAt: string;
  /** Why nothing was evaluated: `rebuild`, `recompute`, `read-models-behind`. */
  skipped: string | null;
  raised: number;
  resolved: number;
  /** Highest event-store position written (`?waitFor=`). */
  position: string;
}

/** An account's current failure streak: its newest failed run, its first, and how many (sync-failing). */
interface StreakRow {
  account_id: string;
  display_name: string;
  run_id: string;
  status: SyncRunFact['status'];
  started_at: Date;
  error_category: string | null;
  error_message: string | null;
  first_run_id: string;
  first_started_at: Date;
  failed_runs: number;
}

interface BalanceRow {
  account_id: string;
  display_name: string;
  provider: string;
  run_id: string;
  read_at: Date | string;
  total_credits: string;
  total_usage: string;
  remaining: string;
}

/**
 * The alert evaluation process. Every ALERT_EVALUATION_SECONDS (and on demand: the API's
 * `POST …/alerts/evaluate`, tests), for each workspace it reads the read models — budgets, the
 * ledger's daily series, forecasts, anomaly verdicts, sync runs and the credit balances they read — asks the pure rules of
 * `@act/domain/budgets` which conditions hold, and raises what is new and resolves what cleared,
 * each on the alert's own stream with deterministic ids (a concurrent or repeated evaluation
 * raises nothing twice).
 *
 * It never acts on figures that are about to change: not while any projection is being rebuilt
 * (the views then show an old version), not for a workspace with a recompute running (its
 * estimates are being replaced), and not before every read model has caught up with the log.
 * The rebuild and the recompute are checked before the figures are read and again just before
 * anything is written, so one that starts in between (or starts and finishes: a newer cost
 * version) makes the evaluation write nothing.
 *
 * Several api processes: the periodic evaluation runs only in the process holding the
 * `alert-evaluator` lease (ttl 15 s, renewed every 5 s; another process takes over within about
 * 15 s of the holder's death). Were two to evaluate at once nothing would be raised twice (the
 * alert's stream and event ids are deterministic): the lease saves the duplicated reads.
 * On-demand evaluations run in the process that was asked.
 */
@Injectable()
export class AlertEvaluator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private readonly forecasts: Forecasts;
  private readonly anomalies: Anomalies;
  private readonly series: LedgerSeries;
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lease: JobLease;

  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly budgets: BudgetsService,
    private readonly alerts: AlertsService,
  ) {
    this.forecasts = new Forecasts(db);
    this.anomalies = new Anomalies(db);
    this.series = new LedgerSeries(db);
    this.lease = new JobLease(db, 'alert-evaluator', jobLeaseOptions(config));
  }

  async onApplicationBootstrap(): Promise<void> {
    const seconds = this.config.ALERT_EVALUATION_SECONDS;
    if (seconds <= 0) return;
    await migrateJobLeases(this.db);
    this.lease.start();
    this.timer = setInterval(() => {
      if (!this.lease.held) return;
      this.evaluateAll().catch((error: Error) => this.logger.error(`Alert evaluation failed: ${error.stack ?? error}`));
    }, seconds * 1000);
    this.timer.unref();
  }

  /** Whether this process runs the periodic evaluation now. */
  get leading(): boolean {
    return this.lease.held;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue.catch(() => undefined);
    await this.lease.stop();
  }

  /** Every workspace, one after the other. Evaluations never overlap in one process. */
  evaluateAll(now = new Date()): Promise<EvaluationResult> {
    return this.serialized(async () => {
      const blocked = await this.blocked();
      if (blocked) return skippedResult(now, blocked);
      const workspaces = await this.db.query<{ workspace_id: string }>('select workspace_id from workspaces order by workspace_id');
      const total: EvaluationResult = { evaluatedAt: now.toISOString(), skipped: null, raised: 0, resolved: 0, position: '0' };
      for (const { workspace_id } of workspaces) {
        const one = await this.evaluateOne(workspace_id, now).catch((error: Error) => {
          this.logger.error(`Alert evaluation of workspace ${workspace_id} failed: ${error.stack ?? error}`);
          return null;
        });
        if (!one) continue;
        total.raised += one.raised;
        total.resolved += one.resolved;
        if (BigInt(one.position) > BigInt(total.position)) total.position = one.position;
      }
      return total;
    });
  }

  evaluateWorkspace(workspaceId: string, now = new Date()): Promise<EvaluationResult> {
    return this.serialized(async () => {
      const blocked = await this.blocked();
      if (blocked) return skippedResult(now, blocked);
      return this.evaluateOne(workspaceId, now);
    });
  }

  /** Why evaluating now would act on figures about to change, or null. */
  private async blocked(): Promise<string | null> {
    if (await this.rebuilding()) return 'rebuild';
    const head = await this.store.headPosition();
    if (!(await this.runner.waitForPosition(head, CATCH_UP_MS))) return 'read-models-behind';
    return null;
  }

  private async rebuilding(): Promise<boolean> {
    return (await this.runner.status()).some((s) => s.building !== null);
  }

  /**
   * The workspace's cost versions as the evaluation sees them: the newest version number (every
   * recompute adds one when it starts) and whether one is running (its estimates are being replaced).
   */
  private async costVersions(workspaceId: string): Promise<{ newest: number; running: boolean }> {
    const [row] = await this.db.query<{ newest: number; running: boolean }>(
      `select coalesce(max(version), 0)::int as newest, coalesce(bool_or(status = 'running'), false) as running
         from cost_versions where workspace_id = $1`,
      [workspaceId],
    );
    return { newest: Number(row?.newest ?? 0), running: row?.running === true };
  }

  private async evaluateOne(workspaceId: string, now: Date): Promise<EvaluationResult> {
    const versionsAtStart = await this.costVersions(workspaceId);
    if (versionsAtStart.running) return skippedResult(now, 'recompute');

    const today = utcDay(now);
    const month = monthOf(today);
    const window = forecastWindow(month, now);
    const budgets = await this.budgets.activeBudgets(workspaceId);
    const settings = await this.budgets.settings(workspaceId);
    const evaluated = new Set<AlertKind>();
    const conditions: AlertCondition[] = [];
    const reached = new Set<string>();
    const rule = async (kinds: AlertKind[], run: () => Promise<AlertCondition[]>) => {
      try {
        conditions.push(...(await run()));
        kinds.forEach((k) => evaluated.add(k));
      } catch (error) {
        // Its alerts stay as they are: nothing is resolved on a rule that did not run.
        this.logger.error(`Alert rule ${kinds.join('/')} of workspace ${workspaceId} failed: ${(error as Error).stack ?? error}`);
      }
    };

    await rule(['budget-threshold', 'forecast-overrun'], async () => {
      const found: AlertCondition[] = [];
      for (const o of await this.forecasts.outlooks(workspaceId, budgets, window)) {
        found.push(...thresholdConditions({ workspaceId, budget: o.budget, month, spent: o.spent }));
        const reachedNow = new Decimal(o.spent).gte(o.budget.amount);
        if (reachedNow) reached.add(o.budget.budgetId);
        const overrun = forecastCondition({
          workspaceId,
          budget: o.budget,
          month,
          spent: o.spent,
          forecast: {
            insufficientHistory: o.forecast.insufficientHistory,
            point: o.forecast.point,
            p80Upper: o.forecast.p80.upper,
            actual: o.crossing.actual ?? (reachedNow ? today : null),
            median: o.crossing.median,
            upper80: o.crossing.upper80,
          },
        });
        if (overrun) found.push(overrun);
      }
      return found;
    });

    const anomalyFrom = addDays(today, -ANOMALY_ALERT_DAYS);
    await rule(['anomaly'], async () => {
      const result = await this.anomalies.detect(workspaceId, { days: ANOMALY_ALERT_DAYS, sensitivity: settings.anomalySensitivity }, now);
      return result.items.map((a) =>
        anomalyCondition({ workspaceId, series: a.scope, day: a.day, anomaly: a.kind, severity: a.severity, cost: a.cost, expected: a.expected, score: a.score }),
      );
    });

    await rule(['sync-failing'], async () => {
      // Per account, the current failure streak read in SQL: its newest and oldest failed runs and how many
      // there are since the last finished run that did not fail. However long a provider stays down, the
      // streak keeps its first run, so it stays one condition (a window of the latest runs would move
      // its start, and raise again, once the streak outgrew it).
      const rows = await this.db.query<StreakRow>(
        `select a.account_id, a.display_name,
                l.run_id, l.status, l.started_at, l.error_category, l.error_message,
                f.run_id as first_run_id, f.started_at as first_started_at,
                (select count(*) from sync_runs c
                  where c.workspace_id = a.workspace_id and c.account_id = a.account_id
                    and c.status = 'failed' and c.started_at >= f.started_at)::int as failed_runs
           from accounts a
           join lateral (select run_id, status, started_at, error_category, error_message from sync_runs s
                          where s.workspace_id = a.workspace_id and s.account_id = a.account_id and s.status <> 'running'
                          order by s.started_at desc limit 1) l on l.status = 'failed'
           join lateral (select run_id, started_at from sync_runs s
                          where s.workspace_id = a.workspace_id and s.account_id = a.account_id and s.status = 'failed'
                            and s.started_at > coalesce((select max(t.started_at) from sync_runs t
                                                          where t.workspace_id = a.workspace_id and t.account_id = a.account_id
                                                            and t.status not in ('failed', 'running')), '-infinity'::timestamptz)
                          order by s.started_at asc limit 1) f on true
          where a.workspace_id = $1 and a.status <> 'disconnected'
          order by a.account_id`,
        [workspaceId],
      );
      const found: AlertCondition[] = [];
      for (const row of rows) {
        const latest = { runId: row.run_id, status: row.status, startedAt: new Date(row.started_at).toISOString(), errorCategory: row.error_category, errorMessage: row.error_message };
        const first = { runId: row.first_run_id, status: 'failed' as const, startedAt: new Date(row.first_started_at).toISOString(), errorCategory: null, errorMessage: null };
        const condition = syncFailingCondition({
          workspaceId,
          account: { id: row.account_id, label: row.display_name },
          streak: { latest, first, failedRuns: Number(row.failed_runs) },
        });
        if (condition) found.push(condition);
      }
      return found;
    });

    // The latest balance each connected account's sync runs read (OpenRouter credits). Runs whose read failed
    // (`balance_status = 'unavailable'`) and runs that read none are passed over: the last balance read stays the
    // one judged, so a failed read neither raises nor resolves anything by itself.
    const creditBalances = new Map<string, CreditBalanceFact>();
    await rule(['low-credit'], async () => {
      const rows = await this.db.query<BalanceRow>(
        `select a.account_id, a.display_name, a.provider, b.run_id, b.read_at, b.total_credits, b.total_usage, b.remaining
           from accounts a
           join lateral (select s.run_id, s.balance_read_at as read_at, s.balance_total_credits::text as total_credits,
                                s.balance_total_usage::text as total_usage, s.balance_remaining::text as remaining
                           from sync_runs s
                          where s.account_id = a.account_id and s.balance_status = 'read'
                          order by s.balance_read_at desc, s.started_at desc, s.run_id desc limit 1) b on true
          where a.workspace_id = $1 and a.status <> 'disconnected'
          order by a.account_id`,
        [workspaceId],
      );
      const found: AlertCondition[] = [];
      for (const row of rows) {
        const balance: CreditBalanceFact = {
          runId: row.run_id,
          readAt: new Date(row.read_at).toISOString(),
          totalCredits: row.total_credits,
          totalUsage: row.total_usage,
          remaining: row.remaining,
        };
        creditBalances.set(row.account_id, balance);
        found.push(...lowCreditConditions({ workspaceId, account: { id: row.account_id, label: row.display_name, provider: row.provider }, balance, settings: settings.lowCredit }));
      }
      return found;
    });

    await rule(['unpriced-usage'], async () => {
      const { start } = monthRange(month);
      const models = await this.series.load(workspaceId, 'model', start, today);
      const found: AlertCondition[] = [];
      for (const s of models.values()) {
        let rows = 0;
        for (const [day, n] of s.unpriced) if (day >= start) rows += n;
        if (rows > 0 && s.key !== null) found.push(unpricedCondition({ workspaceId, model: s.key, month, rows }));
      }
      return found;
    });

    const known = await this.db.query<{ alert_id: string; kind: AlertKind; period: string; subject_key: string; details: Record<string, unknown> | string }>(
      `select alert_id, kind, period, subject_key, details from alerts where workspace_id = $1 and status <> 'resolved'`,
      [workspaceId],
    );
    const plan = planAlerts(
      known.map(
        (r): KnownAlert => ({
          alertId: r.alert_id,
          kind: r.kind,
          period: r.period,
          subjectKey: r.subject_key,
          details: typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
        }),
      ),
      conditions,
      { evaluatedKinds: evaluated, budgets: new Map(budgets.map((b) => [b.budgetId, b])), reachedBudgets: reached, month, anomalyFrom, creditBalances },
    );
    // Conditions raised before (and since resolved) stay one alert: skip them without loading their streams.
    const ids = plan.raise.map((c) => c.alertId);
    const existing = new Set(
      ids.length === 0
        ? []
        : (await this.db.query<{ alert_id: string }>('select alert_id from alerts where alert_id in (select jsonb_array_elements_text($1::jsonb))', [JSON.stringify(ids)])).map((r) => r.alert_id),
    );
    const raise = plan.raise.filter((c) => !existing.has(c.alertId));

    // A rebuild or a recompute of this workspace may have started while the figures were read —
    // or even started and finished (a newer cost version): then write nothing, and the next
    // evaluation judges the new figures.
    if (raise.length > 0 || plan.resolve.length > 0) {
      if (await this.rebuilding()) return skippedResult(now, 'rebuild');
      const versions = await this.costVersions(workspaceId);
      if (versions.running || versions.newest !== versionsAtStart.newest) return skippedResult(now, 'recompute');
    }

    let position = 0n;
    let raised = 0;
    let resolved = 0;
    for (const condition of raise) {
      const result = await this.alerts.stream.execute(
        alertStreamId(condition.alertId),
        { type: 'RaiseAlert', data: condition, metadata: { now } },
        { eventId: (event) => alertEventId(condition.alertId, event.type) },
      );
      if (result.events.length > 0) raised++;
      if (result.position > position) position = result.position;
    }
    for (const { alertId, reason } of plan.resolve) {
      const result = await this.alerts.stream.execute(
        alertStreamId(alertId),
        { type: 'ResolveAlert', data: { alertId, reason }, metadata: { now } },
        { eventId: (event) => alertEventId(alertId, event.type) },
      );
      if (result.events.length > 0) resolved++;
      if (result.position > position) position = result.position;
    }
    if (raised + resolved > 0) this.logger.log(`Workspace ${workspaceId}: ${raised} alert(s) raised, ${resolved} resolved`);
    return { evaluatedAt: now.toISOString(), skipped: null, raised, resolved, position: String(position) };
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function skippedResult(now: Date, reason: string): EvaluationResult {
  return { evaluatedAt: now.toISOString(), skipped: reason, raised: 0, resolved: 0, position: '0' };
}
