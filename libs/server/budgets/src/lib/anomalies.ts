import { ApiProperty } from '@nestjs/swagger';
import { detectAnomalies, SENSITIVITY_THRESHOLDS, type AnomalyKind, type AnomalySeverity, type DailyCost } from '@act/domain/forecasting';
import type { AnomalySensitivity } from '@act/domain/budgets';
import type { SqlExecutor } from '@act/server/database';
import { accountLabels, addDays, LedgerSeries, utcDay } from './ledger-series';

/** The baseline looks back 6 weeks before each judged day. */
const BASELINE_DAYS = 42;

class AnomalyScopeDto {
  @ApiProperty({ enum: ['account', 'model'] }) kind!: 'account' | 'model';
  @ApiProperty({ description: 'Account id, or "provider/model".' }) key!: string;
  @ApiProperty() label!: string;
}

export class AnomalyDto {
  @ApiProperty({ type: AnomalyScopeDto }) scope!: AnomalyScopeDto;
  @ApiProperty() day!: string;
  @ApiProperty({ enum: ['spike', 'drop', 'drop-to-zero'] }) kind!: AnomalyKind;
  @ApiProperty({ enum: ['info', 'warning', 'critical'] }) severity!: AnomalySeverity;
  @ApiProperty({ example: '95.2' }) cost!: string;
  @ApiProperty({ example: '10.1', description: 'Baseline cost for the day (same weekday, recent level).' }) expected!: string;
  @ApiProperty({ description: 'Costs in [lower, upper] would not have been flagged.' }) lower!: string;
  @ApiProperty() upper!: string;
  @ApiProperty({ description: 'Robust score: log-scale deviations in units of the spread; negative for drops.' }) score!: number;
}

class AnomalySeriesDto {
  @ApiProperty({ type: AnomalyScopeDto }) scope!: AnomalyScopeDto;
  @ApiProperty({ description: 'Days judged.' }) judged!: number;
  @ApiProperty({ description: 'Days not judged: under 28 days of history (or too few of the weekday).' }) insufficientHistory!: number;
  @ApiProperty() anomalies!: number;
}

export class AnomaliesResponseDto {
  @ApiProperty() workspaceId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() through!: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }] }) sensitivity!: AnomalySensitivity;
  @ApiProperty({ description: 'The score threshold the sensitivity stands for.' }) threshold!: number;
  @ApiProperty({ type: [AnomalyDto], description: 'Newest first.' }) items!: AnomalyDto[];
  @ApiProperty({ type: [AnomalySeriesDto] }) series!: AnomalySeriesDto[];
}

export function parseSensitivity(raw: string | undefined, fallback: AnomalySensitivity): AnomalySensitivity {
  if (raw === undefined) return fallback;
  if (raw === 'low' || raw === 'medium' || raw === 'high') return raw;
  const value = Number(raw);
  return value;
}

export function thresholdOf(sensitivity: AnomalySensitivity): number {
  return typeof sensitivity === 'number' ? sensitivity : SENSITIVITY_THRESHOLDS[sensitivity];
}

/**
 * Anomalies per account and per model over recent complete days (`detectAnomalies`: each day
 * against the 6 weeks before it, weekday-aware median/MAD on a log scale; spikes and drops).
 */
export class Anomalies {
  private readonly series: LedgerSeries;

  constructor(private readonly sql: SqlExecutor) {
    this.series = new LedgerSeries(sql);
  }

  async detect(workspaceId: string, options: { days: number; sensitivity: AnomalySensitivity; through?: string }, now = new Date()): Promise<AnomaliesResponseDto> {
    const through = options.through ?? addDays(utcDay(now), -1);
    const from = addDays(through, -(options.days - 1));
    const threshold = thresholdOf(options.sensitivity);
    if (!(threshold >= 1 && threshold <= 20)) {
      return { workspaceId, from, through, sensitivity: options.sensitivity, threshold, items: [], series: [] };
    }
    const historyFrom = addDays(from, -BASELINE_DAYS);
    const [accounts, models, labels] = await Promise.all([
      this.series.load(workspaceId, 'account', historyFrom, through),
      this.series.load(workspaceId, 'model', historyFrom, through),
      accountLabels(this.sql, workspaceId),
    ]);
    const items: AnomalyDto[] = [];
    const series: AnomalySeriesDto[] = [];
    const judge = (kind: 'account' | 'model', key: string | null, days: readonly DailyCost[]) => {
      if (key === null) return;
      const scope = { kind, key, label: kind === 'account' ? (labels.get(key) ?? key) : key };
      const verdicts = detectAnomalies(days, { from, through, sensitivity: options.sensitivity });
      let judged = 0;
      let insufficient = 0;
      let anomalies = 0;
      for (const v of verdicts) {
        if (v.status === 'insufficient-history') {
          insufficient++;
          continue;
        }
        judged++;
        if (v.status !== 'anomaly') continue;
        anomalies++;
        items.push({ scope, day: v.day, kind: v.kind, severity: v.severity, cost: v.cost, expected: v.expected, lower: v.lower, upper: v.upper, score: Math.round(v.score * 100) / 100 });
      }
      series.push({ scope, judged, insufficientHistory: insufficient, anomalies });
    };
    for (const s of accounts.values()) judge('account', s.key, s.days);
    for (const s of models.values()) judge('model', s.key, s.days);
    items.sort((a, b) => (a.day === b.day ? a.scope.key.localeCompare(b.scope.key) : a.day < b.day ? 1 : -1));
    return { workspaceId, from, through, sensitivity: options.sensitivity, threshold, items, series };
  }
}
