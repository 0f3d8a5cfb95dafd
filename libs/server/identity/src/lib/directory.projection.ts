import type { SqlExecutor } from '@act/server/database';
import type { RecordedEvent } from '@act/server/event-store';
import type { Projection } from '@act/server/projections';
import {
  ACCOUNT_EVENT_TYPES,
  accountStatus,
  INGEST_KEY_EVENT_TYPES,
  USER_EVENT_TYPES,
  WORKSPACE_EVENT_TYPES,
  type AccountEvent,
  type IngestKeyEvent,
  type UserEvent,
  type WorkspaceEvent,
} from '@act/domain/identity';
import type { SecurityEventKind } from '@act/contracts';

type DirectoryEvent = UserEvent | WorkspaceEvent | AccountEvent | IngestKeyEvent;

/**
 * The lists behind the identity and accounts pages: users, workspaces and their members,
 * invitations, provider accounts, ingest keys, and each workspace's security log.
 * Authorisation never reads these tables (it folds the workspace stream), so their lag can
 * only make a list a moment old, never let anyone in.
 */
export const directoryProjection: Projection = {
  name: 'directory',
  version: 2,
  tables: ['users', 'workspaces', 'workspace_members', 'invitations', 'accounts', 'ingest_keys', 'security_log'],
  eventTypes: [...USER_EVENT_TYPES, ...WORKSPACE_EVENT_TYPES, ...ACCOUNT_EVENT_TYPES, ...INGEST_KEY_EVENT_TYPES],

  async setup(tx: SqlExecutor) {
    await tx.query(`create table users (
      user_id text primary key, email text not null unique, display_name text not null,
      instance_admin boolean not null, created_at timestamptz not null)`);
    await tx.query(`create table workspaces (workspace_id text primary key, name text not null, created_at timestamptz not null)`);
    await tx.query(`create table workspace_members (
      workspace_id text not null, user_id text not null, role text not null, joined_at timestamptz not null,
      primary key (workspace_id, user_id))`);
    await tx.query('create index workspace_members_user on workspace_members (user_id)');
    await tx.query(`create table invitations (
      invitation_id text primary key, workspace_id text not null, email text not null, role text not null,
      created_at timestamptz not null, expires_at timestamptz not null, status text not null)`);
    await tx.query('create index invitations_workspace on invitations (workspace_id, created_at)');
    await tx.query(`create table accounts (
      account_id text primary key, workspace_id text not null, provider text not null, display_name text not null,
      credential_hint text, base_url text, monthly_budget numeric, sync_enabled boolean not null, status text not null,
      connected_at timestamptz not null, last_test jsonb, attention text)`);
    await tx.query('create index accounts_workspace on accounts (workspace_id, connected_at)');
    await tx.query(`create table ingest_keys (
      key_id text primary key, workspace_id text not null, account_id text not null, name text not null, hint text not null,
      created_at timestamptz not null, revoked_at timestamptz)`);
    await tx.query('create index ingest_keys_workspace on ingest_keys (workspace_id, created_at)');
    await tx.query(`create table security_log (
      workspace_id text not null, position bigint not null, at timestamptz not null, kind text not null,
      actor_user_id text, subject text not null, detail jsonb not null, primary key (workspace_id, position))`);
  },

  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]) {
    for (const recorded of events) await applyOne(tx, recorded, recorded as unknown as DirectoryEvent);
  },
};

async function applyOne(tx: SqlExecutor, recorded: RecordedEvent, event: DirectoryEvent): Promise<void> {
  const at = typeof recorded.metadata['at'] === 'string' ? recorded.metadata['at'] : recorded.recordedAt.toISOString();
  const actorId = typeof recorded.metadata['actorId'] === 'string' ? recorded.metadata['actorId'] : null;
  const log = (workspaceId: string, kind: SecurityEventKind, subject: string, detail: Record<string, string> = {}, actor = actorId) =>
    tx.query(
      `insert into security_log (workspace_id, position, at, kind, actor_user_id, subject, detail)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb) on conflict do nothing`,
      [workspaceId, String(recorded.globalPosition), at, kind, actor, subject, JSON.stringify(detail)],
    );
  const workspaceId = recorded.streamId.startsWith('workspace-') ? recorded.streamId.slice('workspace-'.length) : '';

  switch (event.type) {
    case 'UserRegistered': {
      const { userId, email, displayName, instanceAdmin } = event.data;
      await tx.query(`insert into users values ($1, $2, $3, $4, $5) on conflict do nothing`, [userId, email, displayName, instanceAdmin, at]);
      return;
    }
    case 'UserSignedIn':
    case 'SignInFailed': {
      // A sign-in concerns every workspace the user belongs to.
      const kind: SecurityEventKind = event.type === 'UserSignedIn' ? 'signed-in' : 'sign-in-failed';
      const detail = JSON.stringify({ ...(event.data.ip ? { ip: event.data.ip } : {}), ...(event.data.userAgent ? { userAgent: event.data.userAgent.slice(0, 200) } : {}) });
      await tx.query(
        `insert into security_log (workspace_id, position, at, kind, actor_user_id, subject, detail)
         select m.workspace_id, $2, $3, $4, $1, u.email, $5::jsonb
           from workspace_members m join users u on u.user_id = m.user_id
          where m.user_id = $1
         on conflict do nothing`,
        [event.data.userId, String(recorded.globalPosition), at, kind, detail],
      );
      return;
    }
    case 'WorkspaceCreated':
      await tx.query(`insert into workspaces values ($1, $2, $3) on conflict do nothing`, [event.data.workspaceId, event.data.name, at]);
      return;
    case 'WorkspaceRenamed':
      await tx.query(`update workspaces set name = $2 where workspace_id = $1`, [workspaceId, event.data.name]);
      return;
    case 'MemberJoined':
      await tx.query(
        `insert into workspace_members values ($1, $2, $3, $4) on conflict (workspace_id, user_id) do update set role = excluded.role`,
        [workspaceId, event.data.userId, event.data.role, at],
      );
      await log(workspaceId, 'member-joined', event.data.email, { role: event.data.role }, actorId ?? event.data.userId);
      return;
    case 'MemberRoleChanged':
      await tx.query(`update workspace_members set role = $3 where workspace_id = $1 and user_id = $2`, [workspaceId, event.data.userId, event.data.to]);
      await log(workspaceId, 'member-role-changed', event.data.email, { from: event.data.from, to: event.data.to });
      return;
    case 'MemberRemoved':
      await tx.query(`delete from workspace_members where workspace_id = $1 and user_id = $2`, [workspaceId, event.data.userId]);
      await log(workspaceId, 'member-removed', event.data.email, { role: event.data.role });
      return;
    case 'InvitationCreated': {
      const { invitationId, email, role, expiresAt } = event.data;
      await tx.query(`insert into invitations values ($1, $2, $3, $4, $5, $6, 'pending') on conflict do nothing`, [invitationId, workspaceId, email, role, at, expiresAt]);
      await log(workspaceId, 'invitation-created', email, { role });
      return;
    }
    case 'InvitationRevoked':
      await tx.query(`update invitations set status = 'revoked' where invitation_id = $1`, [event.data.invitationId]);
      await log(workspaceId, 'invitation-revoked', event.data.email);
      return;
    case 'InvitationAccepted':
      await tx.query(`update invitations set status = 'accepted' where invitation_id = $1`, [event.data.invitationId]);
      return;
    case 'AccountConnected': {
      const d = event.data;
      const status = accountStatus({ disconnected: false, settings: d });
      await tx.query(
        `insert into accounts values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, null, null) on conflict do nothing`,
        [d.accountId, d.workspaceId, d.provider, d.displayName, d.credentialHint, d.baseUrl, d.monthlyBudget, d.syncEnabled, status, at],
      );
      await log(d.workspaceId, 'account-connected', d.displayName, { provider: d.provider });
      return;
    }
    case 'AccountRenamed':
      await tx.query(`update accounts set display_name = $2 where account_id = $1`, [event.data.accountId, event.data.displayName]);
      return;
    case 'AccountCredentialsRotated': {
      const rows = await tx.query<{ workspace_id: string; display_name: string }>(
        `update accounts set credential_hint = $2, attention = null where account_id = $1 returning workspace_id, display_name`,
        [event.data.accountId, event.data.credentialHint],
      );
      if (rows[0]) await log(rows[0].workspace_id, 'account-credentials-rotated', rows[0].display_name);
      return;
    }
    case 'AccountSettingsChanged': {
      const { accountId, baseUrl, monthlyBudget } = event.data;
      if (baseUrl !== undefined) await tx.query(`update accounts set base_url = $2 where account_id = $1`, [accountId, baseUrl]);
      if (monthlyBudget !== undefined) await tx.query(`update accounts set monthly_budget = $2 where account_id = $1`, [accountId, monthlyBudget]);
      return;
    }
    case 'AccountSyncPaused':
    case 'AccountSyncResumed': {
      const enabled = event.type === 'AccountSyncResumed';
      const attention = event.type === 'AccountSyncPaused' ? (event.data.reason ?? null) : null;
      await tx.query(`update accounts set sync_enabled = $2, status = $3, attention = $4 where account_id = $1`, [
        event.data.accountId,
        enabled,
        enabled ? 'active' : 'paused',
        attention,
      ]);
      return;
    }
    case 'AccountConnectionTested': {
      const { accountId, ...test } = event.data;
      await tx.query(`update accounts set last_test = $2::jsonb where account_id = $1`, [accountId, JSON.stringify(test)]);
      return;
    }
    case 'AccountDisconnected': {
      const rows = await tx.query<{ workspace_id: string; display_name: string }>(
        `update accounts set status = 'disconnected', sync_enabled = false, credential_hint = null where account_id = $1 returning workspace_id, display_name`,
        [event.data.accountId],
      );
      if (rows[0]) await log(rows[0].workspace_id, 'account-disconnected', rows[0].display_name);
      return;
    }
    case 'IngestKeyCreated': {
      const d = event.data;
      await tx.query(`insert into ingest_keys values ($1, $2, $3, $4, $5, $6, null) on conflict do nothing`, [d.keyId, d.workspaceId, d.accountId, d.name, d.hint, at]);
      await log(d.workspaceId, 'ingest-key-created', d.name, { accountId: d.accountId });
      return;
    }
    case 'IngestKeyRevoked':
      await tx.query(`update ingest_keys set revoked_at = $2 where key_id = $1 and revoked_at is null`, [event.data.keyId, at]);
      await log(event.data.workspaceId, 'ingest-key-revoked', event.data.name);
      return;
  }
}
