import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ALERT_EVENT_TYPES, alertDecider, alertEventId, alertStatus, alertStreamId, type AlertCommand, type AlertEvent, type AlertState } from '@act/domain/budgets';
import type { SqlDatabase } from '@act/server/database';
import { DeciderStream, EVENT_STORE, type EventStore } from '@act/server/event-store';
import type { WorkspaceContext } from '@act/server/identity';
import { SQL_DATABASE } from '@act/server/platform';
import type { AlertDto, AlertPageDto, AlertsQuery } from './dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AlertRow {
  alert_id: string;
  kind: AlertDto['kind'];
  severity: AlertDto['severity'];
  status: AlertDto['status'];
  subject_kind: string;
  subject_key: string;
  subject_label: string;
  period: string;
  title: string;
  message: string;
  details: Record<string, unknown> | string;
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolution: string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, length: number): string[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === length && parts.every((p) => typeof p === 'string')) return parts as string[];
  } catch {
    // fall through
  }
  throw new BadRequestException('The cursor is not one this list returned: start again without it.');
}

/** Alerts of a workspace (`alerts` read model) and acknowledging one (its own stream). */
@Injectable()
export class AlertsService {
  readonly stream: DeciderStream<AlertCommand, AlertEvent, AlertState>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
  ) {
    this.stream = new DeciderStream(store, alertDecider, ALERT_EVENT_TYPES);
  }

  async list(workspaceId: string, query: AlertsQuery): Promise<AlertPageDto> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor, 2) : null;
    const status = query.status ?? 'all';
    const statuses = status === 'all' ? ['open', 'acknowledged', 'resolved'] : status === 'active' ? ['open', 'acknowledged'] : [status];
    const rows = await this.db.query<AlertRow>(
      `select alert_id, kind, severity, status, subject_kind, subject_key, subject_label, period, title, message, details,
              raised_at, acknowledged_at, acknowledged_by, resolved_at, resolution
         from alerts
        where workspace_id = $1 and status in (select jsonb_array_elements_text($2::jsonb)) and ($3::text is null or kind = $3)
          and ($4::timestamptz is null or (raised_at, alert_id) < ($4::timestamptz, $5::text))
        order by raised_at desc, alert_id desc limit $6`,
      [workspaceId, JSON.stringify(statuses), query.kind ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toAlertDto), nextCursor: rows.length > limit && last ? encodeCursor([iso(last.raised_at) as string, last.alert_id]) : null };
  }

  async acknowledge(ctx: WorkspaceContext, alertId: string): Promise<{ alert: { id: string; status: string }; position: string }> {
    if (!UUID.test(alertId)) throw new NotFoundException('No such alert in this workspace.');
    const result = await this.stream.execute(
      alertStreamId(alertId),
      { type: 'AcknowledgeAlert', data: { alertId, workspaceId: ctx.workspaceId }, metadata: { now: new Date(), actorId: ctx.userId } },
      { eventId: (event) => alertEventId(alertId, event.type) },
    );
    return { alert: { id: alertId, status: alertStatus(result.state) ?? 'open' }, position: String(result.position) };
  }
}

export function toAlertDto(row: AlertRow): AlertDto {
  return {
    id: row.alert_id,
    kind: row.kind,
    severity: row.severity,
    status: row.status,
    title: row.title,
    message: row.message,
    subject: { kind: row.subject_kind, key: row.subject_key, label: row.subject_label },
    period: row.period,
    details: typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details,
    raisedAt: iso(row.raised_at) as string,
    acknowledgedAt: iso(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: iso(row.resolved_at),
    resolution: row.resolution,
  };
}
