import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AcceptInvitationResponse,
  CreateInvitationRequest,
  CreatedInvitationDto,
  InvitationDto,
  InvitationPreviewDto,
  Page,
  WriteResponse,
} from '@act/contracts';
import { Observable } from 'rxjs';
import { apiUrl } from '../http/api';

@Injectable({ providedIn: 'root' })
export class InvitationsApi {
  private readonly http = inject(HttpClient);

  list(workspaceId: string, cursor: string | null = null): Observable<Page<InvitationDto>> {
    const params = cursor ? new HttpParams().set('cursor', cursor) : undefined;
    return this.http.get<Page<InvitationDto>>(
      apiUrl('workspaces', workspaceId, 'invitations'),
      { params },
    );
  }

  create(workspaceId: string, request: CreateInvitationRequest): Observable<CreatedInvitationDto> {
    return this.http.post<CreatedInvitationDto>(
      apiUrl('workspaces', workspaceId, 'invitations'),
      request,
    );
  }

  revoke(workspaceId: string, invitationId: string): Observable<WriteResponse | null> {
    return this.http.delete<WriteResponse | null>(
      apiUrl('workspaces', workspaceId, 'invitations', invitationId),
    );
  }

  /** Public: what the holder of the link is about to accept. */
  preview(token: string): Observable<InvitationPreviewDto> {
    return this.http.get<InvitationPreviewDto>(apiUrl('invitations', token));
  }

  accept(token: string): Observable<AcceptInvitationResponse> {
    return this.http.post<AcceptInvitationResponse>(apiUrl('invitations', token, 'accept'), null);
  }
}

/**
 * The full accept link for a created invitation. `acceptPath` is relative to
 * the web app (`/invitations/<token>`), so it is resolved against the
 * document's base URL: the app may be mounted under a sub-path.
 */
export function acceptLink(acceptPath: string, baseUri: string): string {
  return new URL(acceptPath.replace(/^\//, ''), baseUri).toString();
}
