import type { Position } from './health';

/** Roles in a workspace, strongest first. */
export const WORKSPACE_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** A list page: `?limit=&cursor=` in, `{items, nextCursor}` out. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UserDto {
  id: string;
  email: string;
  displayName: string;
  /** May administer the instance (projection rebuilds). The first user to register is one. */
  instanceAdmin: boolean;
  createdAt: string;
}

export interface WorkspaceSummaryDto {
  id: string;
  name: string;
  /** The caller's role in it. */
  role: WorkspaceRole;
}

export interface WorkspaceDto extends WorkspaceSummaryDto {
  createdAt: string;
  memberCount: number;
}

/** `POST /auth/register` */
export interface RegisterRequest {
  email: string;
  /** At least 12 characters. */
  password: string;
  displayName?: string;
  /** Join the inviting workspace instead of getting a new one. */
  invitationToken?: string;
}

/** `POST /auth/login` */
export interface LoginRequest {
  email: string;
  password: string;
}

/**
 * Answer of register, login and refresh. The refresh token travels only as an httpOnly,
 * SameSite=Strict cookie scoped to `/api/v1/auth`; it is never in a body.
 */
export interface SessionResponse {
  accessToken: string;
  /** Seconds until the access token expires: refresh before then. */
  expiresIn: number;
  user: UserDto;
  workspaces: WorkspaceSummaryDto[];
  /** Pass as `?waitFor=` so the next reads see this session's writes. */
  position: Position;
}

/** `GET /auth/me` */
export interface MeResponse {
  user: UserDto;
  workspaces: WorkspaceSummaryDto[];
}

/** `POST /workspaces` and `PATCH /workspaces/{ws}` */
export interface WorkspaceNameRequest {
  name: string;
}

/** Answer of `POST /workspaces`. */
export interface CreatedWorkspaceResponse {
  workspace: WorkspaceDto;
  position: Position;
}

export interface MemberDto {
  userId: string;
  email: string;
  displayName: string;
  role: WorkspaceRole;
  joinedAt: string;
}

/** `PATCH /workspaces/{ws}/members/{userId}` */
export interface ChangeRoleRequest {
  role: WorkspaceRole;
}

/** `POST /workspaces/{ws}/invitations` (and `POST /workspaces/{ws}/members`, which invites too). */
export interface CreateInvitationRequest {
  email: string;
  role: Exclude<WorkspaceRole, 'owner'>;
}

export interface InvitationDto {
  id: string;
  email: string;
  role: WorkspaceRole;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
}

/** Answer of creating an invitation: the token and link are shown this once. */
export interface CreatedInvitationDto extends InvitationDto {
  token: string;
  /** Relative link to the web app's accept page: `/invitations/<token>`. */
  acceptPath: string;
  /** True when SMTP is configured and the e-mail was handed to the server. */
  emailed: boolean;
  position: Position;
}

/** `GET /invitations/{token}` (public): what the invitee is about to accept. */
export interface InvitationPreviewDto {
  workspaceName: string;
  email: string;
  role: WorkspaceRole;
  expiresAt: string;
  status: InvitationDto['status'];
}

/** `POST /invitations/{token}/accept` */
export interface AcceptInvitationResponse {
  workspace: WorkspaceSummaryDto;
  position: Position;
}

export const SECURITY_EVENT_KINDS = [
  'signed-in',
  'sign-in-failed',
  'member-joined',
  'member-role-changed',
  'member-removed',
  'invitation-created',
  'invitation-revoked',
  'account-connected',
  'account-credentials-rotated',
  'account-disconnected',
  'ingest-key-created',
  'ingest-key-revoked',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/** One line of `GET /workspaces/{ws}/security-log`, newest first. */
export interface SecurityLogEntryDto {
  at: string;
  kind: SecurityEventKind;
  /** Who did it (null for a failed sign-in by an unknown actor). */
  actor: { userId: string; email: string } | null;
  /** What it was about, human readable (a member's e-mail, an account's name, a key's name). */
  subject: string;
  detail: Record<string, string>;
}

/** Every write answers with the position it produced (pass it as `?waitFor=`). */
export interface WriteResponse {
  position: Position;
}
