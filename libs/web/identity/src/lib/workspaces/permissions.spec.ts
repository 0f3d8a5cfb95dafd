import { WORKSPACE_ROLES } from '@act/contracts';
import {
  PERMISSIONS,
  assignableRoles,
  hasPermission,
  invitableRoles,
  memberActions,
} from './permissions';

describe('role permissions', () => {
  it('gives owners and admins everything, members usage and budgets, viewers nothing', () => {
    const table = Object.fromEntries(
      WORKSPACE_ROLES.map((role) => [role, PERMISSIONS.filter((p) => hasPermission(role, p))]),
    );
    expect(table).toEqual({
      owner: [...PERMISSIONS],
      admin: [...PERMISSIONS],
      member: ['usage:record', 'budgets:manage'],
      viewer: [],
    });
    expect(hasPermission(null, 'usage:record')).toBe(false);
  });

  it('lets only an owner grant owner; nobody is invited as owner', () => {
    expect(assignableRoles('owner')).toEqual(['owner', 'admin', 'member', 'viewer']);
    expect(assignableRoles('admin')).toEqual(['admin', 'member', 'viewer']);
    expect(assignableRoles('member')).toEqual([]);
    expect(invitableRoles('owner')).toEqual(['admin', 'member', 'viewer']);
    expect(invitableRoles('viewer')).toEqual([]);
  });

  it('keeps admins away from owners', () => {
    expect(memberActions('admin', 'owner', 2)).toMatchObject({ changeRole: false, remove: false });
    expect(memberActions('admin', 'member', 1)).toMatchObject({ changeRole: true, remove: true });
  });

  it('never lets the last owner be demoted or removed', () => {
    const last = memberActions('owner', 'owner', 1);
    expect(last).toMatchObject({ changeRole: false, remove: false });
    expect(last.reason).toMatch(/last owner/);
    expect(memberActions('owner', 'owner', 2)).toMatchObject({ changeRole: true, remove: true });
  });

  it('offers no member actions to members and viewers', () => {
    for (const actor of ['member', 'viewer'] as const) {
      expect(memberActions(actor, 'viewer', 1)).toEqual({ changeRole: false, remove: false, reason: null });
    }
  });
});
