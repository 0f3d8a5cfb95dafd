import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  ChangeRoleRequest,
  MemberDto,
  Page,
  WriteResponse,
} from '@act/contracts';
import { Observable } from 'rxjs';
import { apiUrl } from '../http/api';

@Injectable({ providedIn: 'root' })
export class MembersApi {
  private readonly http = inject(HttpClient);

  list(workspaceId: string, cursor: string | null = null): Observable<Page<MemberDto>> {
    const params = cursor ? new HttpParams().set('cursor', cursor) : undefined;
    return this.http.get<Page<MemberDto>>(apiUrl('workspaces', workspaceId, 'members'), {
      params,
    });
  }

  changeRole(
    workspaceId: string,
    userId: string,
    request: ChangeRoleRequest,
  ): Observable<WriteResponse> {
    return this.http.patch<WriteResponse>(
      apiUrl('workspaces', workspaceId, 'members', userId),
      request,
    );
  }

  remove(workspaceId: string, userId: string): Observable<WriteResponse | null> {
    return this.http.delete<WriteResponse | null>(
      apiUrl('workspaces', workspaceId, 'members', userId),
    );
  }
}
