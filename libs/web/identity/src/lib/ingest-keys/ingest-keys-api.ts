import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CreateIngestKeyRequest,
  CreatedIngestKeyDto,
  IngestKeyDto,
  Page,
  WriteResponse,
} from '@act/contracts';
import { Observable } from 'rxjs';
import { apiUrl } from '../http/api';

@Injectable({ providedIn: 'root' })
export class IngestKeysApi {
  private readonly http = inject(HttpClient);

  list(workspaceId: string, cursor: string | null = null): Observable<Page<IngestKeyDto>> {
    const params = cursor ? new HttpParams().set('cursor', cursor) : undefined;
    return this.http.get<Page<IngestKeyDto>>(
      apiUrl('workspaces', workspaceId, 'ingest-keys'),
      { params },
    );
  }

  /** The answer holds the key itself, this once. */
  create(workspaceId: string, request: CreateIngestKeyRequest): Observable<CreatedIngestKeyDto> {
    return this.http.post<CreatedIngestKeyDto>(
      apiUrl('workspaces', workspaceId, 'ingest-keys'),
      request,
    );
  }

  revoke(workspaceId: string, keyId: string): Observable<WriteResponse | null> {
    return this.http.delete<WriteResponse | null>(
      apiUrl('workspaces', workspaceId, 'ingest-keys', keyId),
    );
  }
}
