import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Page, SecurityLogEntryDto } from '@act/contracts';
import { Observable } from 'rxjs';
import { apiUrl } from '../http/api';

@Injectable({ providedIn: 'root' })
export class SecurityLogApi {
  private readonly http = inject(HttpClient);

  /** Newest first; owners and admins only. */
  list(
    workspaceId: string,
    options: { limit?: number; cursor?: string | null } = {},
  ): Observable<Page<SecurityLogEntryDto>> {
    let params = new HttpParams();
    if (options.limit) params = params.set('limit', options.limit);
    if (options.cursor) params = params.set('cursor', options.cursor);
    return this.http.get<Page<SecurityLogEntryDto>>(
      apiUrl('workspaces', workspaceId, 'security-log'),
      { params },
    );
  }
}
