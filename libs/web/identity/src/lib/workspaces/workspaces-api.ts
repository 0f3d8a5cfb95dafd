import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  Page,
  Position,
  WorkspaceDto,
  WorkspaceNameRequest,
  WorkspaceSummaryDto,
  WriteResponse,
} from '@act/contracts';
import { Observable } from 'rxjs';
import { apiUrl } from '../http/api';

/** Answer of `POST /workspaces` (no named type in the contracts yet). */
export interface CreatedWorkspace {
  workspace: WorkspaceDto;
  position: Position;
}

@Injectable({ providedIn: 'root' })
export class WorkspacesApi {
  private readonly http = inject(HttpClient);

  list(cursor: string | null = null): Observable<Page<WorkspaceSummaryDto>> {
    const params = cursor ? new HttpParams().set('cursor', cursor) : undefined;
    return this.http.get<Page<WorkspaceSummaryDto>>(apiUrl('workspaces'), { params });
  }

  create(request: WorkspaceNameRequest): Observable<CreatedWorkspace> {
    return this.http.post<CreatedWorkspace>(apiUrl('workspaces'), request);
  }

  get(workspaceId: string): Observable<WorkspaceDto> {
    return this.http.get<WorkspaceDto>(apiUrl('workspaces', workspaceId));
  }

  rename(workspaceId: string, request: WorkspaceNameRequest): Observable<WriteResponse> {
    return this.http.patch<WriteResponse>(apiUrl('workspaces', workspaceId), request);
  }
}
