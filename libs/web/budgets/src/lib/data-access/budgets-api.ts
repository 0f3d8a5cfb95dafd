import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { API_BASE } from '@act/web/identity';
import { Observable } from 'rxjs';
import type {
  AlertDto,
  AlertSettingsDto,
  AlertsQuery,
  AnomaliesResponseDto,
  AnomalySensitivity,
  BudgetDto,
  BudgetWriteResponse,
  ChannelDto,
  ChannelWriteResponse,
  CreateBudgetRequest,
  CreateChannelRequest,
  DeliveryDto,
  EvaluationResultDto,
  ForecastGroupBy,
  ForecastResponseDto,
  ListDto,
  PreferencesDto,
  TestSendResultDto,
  UpdateBudgetRequest,
  UpdateChannelRequest,
} from './budget-types';

/** `api/v1/workspaces/<ws>/<segments…>`, each segment URI-encoded. */
export function workspaceUrl(workspaceId: string, ...segments: string[]): string {
  return [API_BASE, 'workspaces', workspaceId, ...segments].map((segment, i) => (i === 0 ? segment : encodeURIComponent(segment))).join('/');
}

function params(values: Record<string, string | number | null | undefined>): HttpParams {
  let result = new HttpParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') result = result.set(key, String(value));
  }
  return result;
}

/**
 * Budgets, alert settings, forecast, anomalies and alerts. Writes answer with the event-store
 * position they produced; the read-your-writes interceptor sends it as `?waitFor=` on the next
 * reads, so a list fetched after a write contains it.
 */
@Injectable({ providedIn: 'root' })
export class BudgetsApi {
  private readonly http = inject(HttpClient);

  budgets(ws: string): Observable<ListDto<BudgetDto>> {
    return this.http.get<ListDto<BudgetDto>>(workspaceUrl(ws, 'budgets'));
  }

  createBudget(ws: string, body: CreateBudgetRequest): Observable<BudgetWriteResponse> {
    return this.http.post<BudgetWriteResponse>(workspaceUrl(ws, 'budgets'), body);
  }

  updateBudget(ws: string, id: string, body: UpdateBudgetRequest): Observable<BudgetWriteResponse> {
    return this.http.patch<BudgetWriteResponse>(workspaceUrl(ws, 'budgets', id), body);
  }

  removeBudget(ws: string, id: string): Observable<{ position: string }> {
    return this.http.delete<{ position: string }>(workspaceUrl(ws, 'budgets', id));
  }

  settings(ws: string): Observable<AlertSettingsDto> {
    return this.http.get<AlertSettingsDto>(workspaceUrl(ws, 'alert-settings'));
  }

  saveSettings(ws: string, anomalySensitivity: AnomalySensitivity): Observable<AlertSettingsDto & { position: string }> {
    return this.http.put<AlertSettingsDto & { position: string }>(workspaceUrl(ws, 'alert-settings'), { anomalySensitivity });
  }

  forecast(ws: string, query: { month?: string | null; groupBy?: ForecastGroupBy | null } = {}): Observable<ForecastResponseDto> {
    const groupBy = query.groupBy === 'workspace' ? null : query.groupBy;
    return this.http.get<ForecastResponseDto>(workspaceUrl(ws, 'forecast'), { params: params({ month: query.month, groupBy }) });
  }

  anomalies(ws: string, query: { days?: number; through?: string | null } = {}): Observable<AnomaliesResponseDto> {
    return this.http.get<AnomaliesResponseDto>(workspaceUrl(ws, 'anomalies'), { params: params({ days: query.days, through: query.through }) });
  }

  alerts(ws: string, query: AlertsQuery = {}): Observable<ListDto<AlertDto>> {
    return this.http.get<ListDto<AlertDto>>(workspaceUrl(ws, 'alerts'), {
      params: params({ status: query.status, kind: query.kind, limit: query.limit, cursor: query.cursor }),
    });
  }

  acknowledge(ws: string, alertId: string): Observable<{ alert: { id: string; status: string }; position: string }> {
    return this.http.post<{ alert: { id: string; status: string }; position: string }>(workspaceUrl(ws, 'alerts', alertId, 'acknowledge'), {});
  }

  evaluate(ws: string): Observable<EvaluationResultDto> {
    return this.http.post<EvaluationResultDto>(workspaceUrl(ws, 'alerts', 'evaluate'), {});
  }
}

/** Notification channels, test-send, delivery history and the caller's own preferences. */
@Injectable({ providedIn: 'root' })
export class NotificationsApi {
  private readonly http = inject(HttpClient);

  channels(ws: string): Observable<ListDto<ChannelDto>> {
    return this.http.get<ListDto<ChannelDto>>(workspaceUrl(ws, 'channels'));
  }

  createChannel(ws: string, body: CreateChannelRequest): Observable<ChannelWriteResponse> {
    return this.http.post<ChannelWriteResponse>(workspaceUrl(ws, 'channels'), body);
  }

  updateChannel(ws: string, id: string, body: UpdateChannelRequest): Observable<ChannelWriteResponse> {
    return this.http.patch<ChannelWriteResponse>(workspaceUrl(ws, 'channels', id), body);
  }

  removeChannel(ws: string, id: string): Observable<{ position: string }> {
    return this.http.delete<{ position: string }>(workspaceUrl(ws, 'channels', id));
  }

  test(ws: string, id: string): Observable<TestSendResultDto> {
    return this.http.post<TestSendResultDto>(workspaceUrl(ws, 'channels', id, 'test'), {});
  }

  deliveries(ws: string, query: { channelId?: string | null; alertId?: string | null; limit?: number; cursor?: string | null } = {}): Observable<ListDto<DeliveryDto>> {
    return this.http.get<ListDto<DeliveryDto>>(workspaceUrl(ws, 'deliveries'), {
      params: params({ channelId: query.channelId, alertId: query.alertId, limit: query.limit, cursor: query.cursor }),
    });
  }

  preferences(ws: string): Observable<PreferencesDto> {
    return this.http.get<PreferencesDto>(workspaceUrl(ws, 'notification-preferences'));
  }

  savePreferences(ws: string, body: { alertKinds: string[]; email: boolean }): Observable<PreferencesDto & { position: string }> {
    return this.http.put<PreferencesDto & { position: string }>(workspaceUrl(ws, 'notification-preferences'), body);
  }
}
