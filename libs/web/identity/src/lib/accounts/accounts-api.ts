import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AccountBalanceDto,
  AccountDto,
  AccountWriteResponse,
  ConnectAccountRequest,
  ConnectionTestDto,
  Page,
  SyncRunDto,
  SyncStartedDto,
  UpdateAccountRequest,
  WriteResponse,
} from '@act/contracts';
import { Observable } from 'rxjs';
import { apiUrl } from '../http/api';

@Injectable({ providedIn: 'root' })
export class AccountsApi {
  private readonly http = inject(HttpClient);

  list(workspaceId: string, cursor: string | null = null): Observable<Page<AccountDto>> {
    const params = cursor ? new HttpParams().set('cursor', cursor) : undefined;
    return this.http.get<Page<AccountDto>>(apiUrl('workspaces', workspaceId, 'accounts'), {
      params,
    });
  }

  get(workspaceId: string, accountId: string): Observable<AccountDto> {
    return this.http.get<AccountDto>(apiUrl('workspaces', workspaceId, 'accounts', accountId));
  }

  connect(workspaceId: string, request: ConnectAccountRequest): Observable<AccountWriteResponse> {
    return this.http.post<AccountWriteResponse>(
      apiUrl('workspaces', workspaceId, 'accounts'),
      request,
    );
  }

  /** Rename, rotate credentials, base URL, budget, pause/resume (`syncEnabled`). */
  update(
    workspaceId: string,
    accountId: string,
    request: UpdateAccountRequest,
  ): Observable<AccountWriteResponse> {
    return this.http.patch<AccountWriteResponse>(
      apiUrl('workspaces', workspaceId, 'accounts', accountId),
      request,
    );
  }

  /** Disconnects: history stays, the account becomes read-only. */
  disconnect(workspaceId: string, accountId: string): Observable<WriteResponse | null> {
    return this.http.delete<WriteResponse | null>(
      apiUrl('workspaces', workspaceId, 'accounts', accountId),
    );
  }

  /**
   * Sync now (202): reads the days missing since the last run plus the look-back window; with a
   * range, re-reads exactly those days (when a provider revised them). `already-running` when
   * another run holds the account.
   */
  sync(
    workspaceId: string,
    accountId: string,
    range?: { from: string; to: string },
  ): Observable<SyncStartedDto> {
    return this.http.post<SyncStartedDto>(
      apiUrl('workspaces', workspaceId, 'accounts', accountId, 'sync'),
      range ?? {},
    );
  }

  /** Sync history, newest first, with the progress of a running run. */
  syncRuns(workspaceId: string, accountId: string): Observable<Page<SyncRunDto>> {
    return this.http.get<Page<SyncRunDto>>(
      apiUrl('workspaces', workspaceId, 'accounts', accountId, 'sync-runs'),
    );
  }

  /** The prepaid credit balance the latest sync runs read (OpenRouter), and why the latest read failed if it did. */
  balance(workspaceId: string, accountId: string): Observable<AccountBalanceDto> {
    return this.http.get<AccountBalanceDto>(
      apiUrl('workspaces', workspaceId, 'accounts', accountId, 'balance'),
    );
  }

  test(workspaceId: string, accountId: string): Observable<ConnectionTestDto> {
    return this.http.post<ConnectionTestDto>(
      apiUrl('workspaces', workspaceId, 'accounts', accountId, 'test'),
      null,
    );
  }
}
