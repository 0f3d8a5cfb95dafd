import type { CreateInvitationRequest, WorkspaceRole } from '@act/contracts';

/** What a role may do in a workspace, as the UI needs to know it. */
export const PERMISSIONS = [
  'workspace:rename',
  'members:manage',
  'accounts:manage',
  'ingest-keys:manage',
  'security-log:read',
  'usage:record',
  'budgets:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Mirrors the server's role rules so the UI can hide what a role cannot do.
 * Hiding is a courtesy only: the API checks every request itself (403).
 */
const GRANTS: Record<WorkspaceRole, readonly Permission[]> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS,
  member: ['usage:record', 'budgets:manage'],
  viewer: [],
};

export function hasPermission(role: WorkspaceRole | null, permission: Permission): boolean {
  return role !== null && GRANTS[role].includes(permission);
}

export type InvitableRole = CreateInvitationRequest['role'];

/** Roles an actor may hand out by invitation (nobody is invited straight in as owner). */
export function invitableRoles(actor: WorkspaceRole | null): InvitableRole[] {
  return hasPermission(actor, 'members:manage') ? ['admin', 'member', 'viewer'] : [];
}

/** Roles an actor may set on an existing member: only an owner grants owner. */
export function assignableRoles(actor: WorkspaceRole | null): WorkspaceRole[] {
  if (actor === 'owner') return ['owner', 'admin', 'member', 'viewer'];
  if (actor === 'admin') return ['admin', 'member', 'viewer'];
  return [];
}

export interface MemberActions {
  changeRole: boolean;
  remove: boolean;
  /** Why the actions are unavailable, for a tooltip; null when allowed or not an admin at all. */
  reason: string | null;
}

/**
 * What `actor` may do to a member with `target` role. Admins cannot touch
 * owners, and the last owner can be neither demoted nor removed (a workspace
 * must always have someone who can manage it).
 */
export function memberActions(
  actor: WorkspaceRole | null,
  target: WorkspaceRole,
  ownerCount: number,
): MemberActions {
  if (!hasPermission(actor, 'members:manage')) {
    return { changeRole: false, remove: false, reason: null };
  }
  if (target === 'owner' && actor !== 'owner') {
    return { changeRole: false, remove: false, reason: 'Only an owner can change another owner.' };
  }
  if (target === 'owner' && ownerCount <= 1) {
    return {
      changeRole: false,
      remove: false,
      reason: 'The last owner cannot be removed or demoted. Make someone else an owner first.',
    };
  }
  return { changeRole: true, remove: true, reason: null };
}

export const ROLE_LABELS: Record<WorkspaceRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<WorkspaceRole, string> = {
  owner: 'Everything, including managing owners.',
  admin: 'Manage members, accounts, ingest keys; see the security log.',
  member: 'Record usage and manage budgets.',
  viewer: 'Read only.',
};
