import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AccountDto,
  AccountWriteResponse,
  ConnectAccountRequest,
  ConnectionTestDto,
  Page,
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

  test(workspaceId: string, accountId: string): Observable<ConnectionTestDto> {
    return this.http.post<ConnectionTestDto>(
      apiUrl('workspaces', workspaceId, 'accounts', accountId, 'test'),
      null,
    );
  }
}
