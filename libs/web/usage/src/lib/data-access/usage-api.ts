import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AuditCellDetailDto,
  AuditMonthDto,
  DailyCostSeriesDto,
  PeriodClosedDto,
  UsageEventsPageDto,
  UsageGroupBy,
  UsageMonthSummaryDto,
} from '@act/contracts';
import { Observable } from 'rxjs';
import { workspaceUrl } from '../http/api';

export interface DailyQuery {
  from: string;
  to: string;
  groupBy: UsageGroupBy;
}

export interface EventsQuery {
  day: string;
  accountId?: string | null;
  requestType?: string | null;
}


function params(values: Record<string, string | number | null | undefined>): HttpParams {
  let result = new HttpParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') result = result.set(key, String(value));
  }
  return result;
}

/** Month summary, daily series, drill-down events, audit and period close. */
@Injectable({ providedIn: 'root' })
export class UsageApi {
  private readonly http = inject(HttpClient);

  summary(workspaceId: string, month: string, version?: number | null): Observable<UsageMonthSummaryDto> {
    return this.http.get<UsageMonthSummaryDto>(workspaceUrl(workspaceId, 'usage', 'summary'), {
      params: params({ month, version }),
    });
  }

  daily(workspaceId: string, query: DailyQuery): Observable<DailyCostSeriesDto> {
    return this.http.get<DailyCostSeriesDto>(workspaceUrl(workspaceId, 'usage', 'daily'), {
      params: params({ from: query.from, to: query.to, groupBy: query.groupBy }),
    });
  }

  events(workspaceId: string, query: EventsQuery): Observable<UsageEventsPageDto> {
    return this.http.get<UsageEventsPageDto>(workspaceUrl(workspaceId, 'usage', 'events'), {
      params: params({ day: query.day, accountId: query.accountId, requestType: query.requestType }),
    });
  }

  audit(workspaceId: string, month: string): Observable<AuditMonthDto> {
    return this.http.get<AuditMonthDto>(workspaceUrl(workspaceId, 'audit'), { params: params({ month }) });
  }

  /** The observations and billed lines behind one account × day cell of the audit. */
  auditCell(workspaceId: string, accountId: string, day: string): Observable<AuditCellDetailDto> {
    return this.http.get<AuditCellDetailDto>(workspaceUrl(workspaceId, 'audit', 'cells'), { params: params({ accountId, day }) });
  }

  /** Freezes what a finished month reports (owners and admins; 422 for a month not over yet). */
  closeMonth(workspaceId: string, month: string): Observable<PeriodClosedDto> {
    return this.http.post<PeriodClosedDto>(workspaceUrl(workspaceId, 'periods', month, 'close'), {});
  }
}
