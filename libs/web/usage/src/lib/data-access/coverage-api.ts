import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import { workspaceUrl } from '../http/api';
import { listAll } from '../http/list-all';

/** Token classes and units as the API counts them (whole numbers). */
export interface CoverageCounts {
  readonly inputUncached: number;
  readonly inputCachedRead: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly output: number;
  readonly reasoning: number;
}

export interface CoverageUnits {
  readonly requests: number;
  readonly images: number;
  readonly audioSeconds: number;
  readonly characters: number;
  readonly searchQueries: number;
  readonly webSearchCalls: number;
}

/** One side of a coverage row; `cost` is a decimal string (USD) or null when nothing of it has a price. */
export interface CoverageSideDto {
  readonly tokens: CoverageCounts;
  readonly units: CoverageUnits;
  readonly totalTokens: number;
  readonly cost: string | null;
  readonly partlyUnpriced: boolean;
}

export type CoverageStatus = 'covered' | 'not-logged' | 'not-seen' | 'mixed';

/** `GET /workspaces/{ws}/coverage`: the provider's usage API vs request logs per account × day × kind of usage. */
export interface CoverageRowDto {
  readonly accountId: string;
  readonly day: string;
  readonly requestKind: string;
  readonly provider: string;
  readonly model: string;
  readonly operation: string;
  readonly serviceTier: string;
  readonly contextTier: string;
  readonly status: CoverageStatus;
  readonly official: CoverageSideDto;
  readonly logged: CoverageSideDto;
  readonly gap: { readonly tokens: CoverageCounts; readonly units: CoverageUnits; readonly totalTokens: number; readonly cost: string | null };
  readonly currency: string;
}

export interface CoveragePageDto {
  readonly items: CoverageRowDto[];
  readonly nextCursor: string | null;
}

@Injectable({ providedIn: 'root' })
export class CoverageApi {
  private readonly http = inject(HttpClient);

  page(workspaceId: string, from: string, to: string, cursor: string | null = null, accountId: string | null = null): Observable<CoveragePageDto> {
    let params = new HttpParams().set('from', from).set('to', to);
    if (cursor) params = params.set('cursor', cursor);
    if (accountId) params = params.set('accountId', accountId);
    return this.http.get<CoveragePageDto>(workspaceUrl(workspaceId, 'coverage'), { params });
  }

  /** Every row of a range (pages followed; a month has at most a few pages). */
  all(workspaceId: string, from: string, to: string): Observable<CoverageRowDto[]> {
    return listAll((cursor) => this.page(workspaceId, from, to, cursor));
  }
}
