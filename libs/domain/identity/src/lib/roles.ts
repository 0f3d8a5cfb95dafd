/** Roles in a workspace, strongest first. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a role may do. Reading is open to every member; the rest follows the product's rule:
 * owner/admin manage members, accounts and keys; member records usage and manages budgets;
 * viewer reads.
 */
export const PERMISSIONS = {
  'workspace.read': ['owner', 'admin', 'member', 'viewer'],
  'workspace.manage': ['owner', 'admin'],
  'members.manage': ['owner', 'admin'],
  'accounts.manage': ['owner', 'admin'],
  'ingest-keys.manage': ['owner', 'admin'],
  'security-log.read': ['owner', 'admin'],
  'usage.record': ['owner', 'admin', 'member'],
  'budgets.manage': ['owner', 'admin', 'member'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const ROLE_LABELS: Record<Role, string> = { owner: 'an owner', admin: 'an admin', member: 'a member', viewer: 'a viewer' };

/** "an admin", for messages. */
export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
