import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AppliedPriceChangeDto,
  CostVersionDetailDto,
  CostVersionPageDto,
  PriceHistoryDto,
  PriceSearchResultDto,
  RecomputePreviewDto,
  RecomputeProgressDto,
  RecomputeStartedDto,
  SetPriceRequestDto,
} from '@act/contracts';
import { Observable } from 'rxjs';
import { apiUrl, workspaceUrl } from '../http/api';

export interface PriceSearch {
  q?: string;
  provider?: string;
  model?: string;
  limit?: number;
  cursor?: string | null;
}


/** Catalogue search, price history, workspace overrides, recompute preview/apply/progress, cost versions. */
@Injectable({ providedIn: 'root' })
export class PricesApi {
  private readonly http = inject(HttpClient);

  search(workspaceId: string | null, query: PriceSearch): Observable<PriceSearchResultDto> {
    let params = new HttpParams();
    for (const key of ['q', 'provider', 'model', 'limit', 'cursor'] as const) {
      const value = query[key];
      if (value !== undefined && value !== null && value !== '') params = params.set(key, String(value));
    }
    // Workspace overrides are part of the view when the caller names their workspace.
    if (workspaceId) params = params.set('workspace', workspaceId);
    return this.http.get<PriceSearchResultDto>(apiUrl('prices'), { params });
  }

  history(workspaceId: string | null, provider: string, model: string): Observable<PriceHistoryDto> {
    const params = workspaceId ? new HttpParams().set('workspace', workspaceId) : undefined;
    return this.http.get<PriceHistoryDto>(apiUrl('prices', provider, model, 'history'), { params });
  }

  /** Sets a workspace override with its effective date (a recompute starts by itself when recorded usage changes). */
  setOverride(workspaceId: string, request: SetPriceRequestDto): Observable<AppliedPriceChangeDto> {
    return this.http.post<AppliedPriceChangeDto>(workspaceUrl(workspaceId, 'prices'), request);
  }

  /** The effect of a price change per month and model, before it is applied. Writes nothing (every member may). */
  preview(workspaceId: string, request: SetPriceRequestDto): Observable<RecomputePreviewDto> {
    return this.http.post<RecomputePreviewDto>(workspaceUrl(workspaceId, 'recomputes'), request, {
      params: new HttpParams().set('dryRun', 'true'),
    });
  }

  /**
   * Applies a price change: sets the price and recomputes the affected days into a new cost
   * version (owners and admins); follow it with `progress`. Without a change, recomputes the
   * recorded price changes no version reflects yet.
   */
  recompute(workspaceId: string, request: Partial<SetPriceRequestDto> = {}): Observable<RecomputeStartedDto> {
    return this.http.post<RecomputeStartedDto>(workspaceUrl(workspaceId, 'recomputes'), request, {
      params: new HttpParams().set('dryRun', 'false'),
    });
  }

  progress(workspaceId: string, recomputeId: string): Observable<RecomputeProgressDto> {
    return this.http.get<RecomputeProgressDto>(workspaceUrl(workspaceId, 'recomputes', recomputeId));
  }

  costVersions(workspaceId: string): Observable<CostVersionPageDto> {
    return this.http.get<CostVersionPageDto>(workspaceUrl(workspaceId, 'cost-versions'));
  }

  costVersion(workspaceId: string, version: number): Observable<CostVersionDetailDto> {
    return this.http.get<CostVersionDetailDto>(workspaceUrl(workspaceId, 'cost-versions', String(version)));
  }
}
