import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import type { InvitationDto, MemberDto, Page, SecurityLogEntryDto, UserDto, WorkspaceRole, WorkspaceSummaryDto } from '@act/contracts';

/** Keyset cursors: opaque to clients, `<sort key>|<tie breaker>` base64url-encoded. */
export function encodeCursor(...parts: string[]): string {
  return Buffer.from(parts.join('|')).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, parts: number): string[] | null {
  if (!cursor) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return decoded.length === parts ? decoded : null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Queries over the directory projection. Each workspace query names its workspace in the
 * WHERE clause; callers have already passed WorkspaceGuard for that workspace.
 */
@Injectable()
export class IdentityReadModel {
  constructor(@Inject(SQL_DATABASE) private readonly db: SqlDatabase) {}

  async user(userId: string): Promise<UserDto | null> {
    const [row] = await this.db.query<{ user_id: string; email: string; display_name: string; instance_admin: boolean; created_at: Date }>(
      `select user_id, email, display_name, instance_admin, created_at from users where user_id = $1`,
      [userId],
    );
    return row ? { id: row.user_id, email: row.email, displayName: row.display_name, instanceAdmin: row.instance_admin, createdAt: iso(row.created_at) } : null;
  }

  async workspacesOf(userId: string): Promise<WorkspaceSummaryDto[]> {
    const rows = await this.db.query<{ workspace_id: string; name: string; role: WorkspaceRole }>(
      `select w.workspace_id, w.name, m.role from workspace_members m join workspaces w using (workspace_id)
        where m.user_id = $1 order by lower(w.name), w.workspace_id`,
      [userId],
    );
    return rows.map((r) => ({ id: r.workspace_id, name: r.name, role: r.role }));
  }

  async workspaceCreatedAt(workspaceId: string): Promise<string> {
    const [row] = await this.db.query<{ created_at: Date }>(`select created_at from workspaces where workspace_id = $1`, [workspaceId]);
    return row ? iso(row.created_at) : new Date(0).toISOString();
  }

  async members(workspaceId: string): Promise<MemberDto[]> {
    const rows = await this.db.query<{ user_id: string; email: string; display_name: string; role: WorkspaceRole; joined_at: Date }>(
      `select m.user_id, u.email, u.display_name, m.role, m.joined_at
         from workspace_members m join users u using (user_id)
        where m.workspace_id = $1
        order by case m.role when 'owner' then 0 when 'admin' then 1 when 'member' then 2 else 3 end, u.email`,
      [workspaceId],
    );
    return rows.map((r) => ({ userId: r.user_id, email: r.email, displayName: r.display_name, role: r.role, joinedAt: iso(r.joined_at) }));
  }

  async invitations(workspaceId: string, now: Date): Promise<InvitationDto[]> {
    const rows = await this.db.query<{ invitation_id: string; email: string; role: WorkspaceRole; created_at: Date; expires_at: Date; status: InvitationDto['status'] }>(
      `select invitation_id, email, role, created_at, expires_at, status from invitations
        where workspace_id = $1 order by created_at desc, invitation_id`,
      [workspaceId],
    );
    return rows.map((r) => ({
      id: r.invitation_id,
      email: r.email,
      role: r.role,
      createdAt: iso(r.created_at),
      expiresAt: iso(r.expires_at),
      status: r.status === 'pending' && new Date(r.expires_at) <= now ? 'expired' : r.status,
    }));
  }

  async securityLog(workspaceId: string, limit: number, cursor?: string): Promise<Page<SecurityLogEntryDto>> {
    const after = decodeCursor(cursor, 1);
    if (cursor && !/^\d{1,19}$/.test(after?.[0] ?? '')) throw new BadRequestException('The cursor is not one this list returned: start again without it.');
    const rows = await this.db.query<{ position: string; at: Date; kind: SecurityLogEntryDto['kind']; actor_user_id: string | null; actor_email: string | null; subject: string; detail: Record<string, string> }>(
      `select l.position::text as position, l.at, l.kind, l.actor_user_id, u.email as actor_email, l.subject, l.detail
         from security_log l left join users u on u.user_id = l.actor_user_id
        where l.workspace_id = $1 and ($2::bigint is null or l.position < $2::bigint)
        order by l.position desc limit $3`,
      [workspaceId, after ? after[0] : null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        at: iso(r.at),
        kind: r.kind,
        actor: r.actor_user_id ? { userId: r.actor_user_id, email: r.actor_email ?? '' } : null,
        subject: r.subject,
        detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
      })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].position) : null,
    };
  }
}
