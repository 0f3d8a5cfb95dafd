import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CostVersionDetailDto,
  CostVersionDto,
  PriceHistoryDto,
  PriceSearchResultDto,
  PriceVersionDto,
  RecomputePreviewDto,
  RecomputeProgressDto,
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

/** What setting an override answers: the new price version at an event-store position. */
export interface PriceSetDto extends Partial<PriceVersionDto> {
  position: string;
}

/** What starting a recompute answers. */
export interface RecomputeStartedDto {
  recomputeId: string;
  version?: number;
  position?: string;
}

export interface CostVersionListDto {
  items: CostVersionDto[];
  nextCursor?: string | null;
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
    if (workspaceId) params = params.set('workspaceId', workspaceId);
    return this.http.get<PriceSearchResultDto>(apiUrl('prices'), { params });
  }

  history(workspaceId: string | null, provider: string, model: string): Observable<PriceHistoryDto> {
    const params = workspaceId ? new HttpParams().set('workspaceId', workspaceId) : undefined;
    return this.http.get<PriceHistoryDto>(apiUrl('prices', provider, model, 'history'), { params });
  }

  /** Sets a workspace override with its effective date; the recompute is a separate step. */
  setOverride(workspaceId: string, request: SetPriceRequestDto): Observable<PriceSetDto> {
    return this.http.post<PriceSetDto>(workspaceUrl(workspaceId, 'prices'), request);
  }

  /** The effect of a price change per month and model, before it is applied. Writes nothing. */
  preview(workspaceId: string, request: SetPriceRequestDto): Observable<RecomputePreviewDto> {
    return this.http.post<RecomputePreviewDto>(workspaceUrl(workspaceId, 'recomputes'), request, {
      params: new HttpParams().set('dryRun', 'true'),
    });
  }

  /** Recomputes the affected days into a new cost version; follow it with `progress`. */
  recompute(workspaceId: string, request: Partial<SetPriceRequestDto> = {}): Observable<RecomputeStartedDto> {
    return this.http.post<RecomputeStartedDto>(workspaceUrl(workspaceId, 'recomputes'), request, {
      params: new HttpParams().set('dryRun', 'false'),
    });
  }

  progress(workspaceId: string, recomputeId: string): Observable<RecomputeProgressDto> {
    return this.http.get<RecomputeProgressDto>(workspaceUrl(workspaceId, 'recomputes', recomputeId));
  }

  costVersions(workspaceId: string): Observable<CostVersionListDto> {
    return this.http.get<CostVersionListDto>(workspaceUrl(workspaceId, 'cost-versions'));
  }

  costVersion(workspaceId: string, version: number): Observable<CostVersionDetailDto> {
    return this.http.get<CostVersionDetailDto>(workspaceUrl(workspaceId, 'cost-versions', String(version)));
  }
}
