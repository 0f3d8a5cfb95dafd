import { DomainRuleViolation, deciderSpec } from '@act/domain/event-sourcing';
import { Role, ROLES, can, PERMISSIONS } from './roles';
import { WorkspaceCommand, WorkspaceEvent, workspaceDecider } from './workspace';

const now = new Date('2026-11-24T12:00:00Z');
const as = (actorId: string) => ({ now, actorId });
const spec = deciderSpec(workspaceDecider);

const created: WorkspaceEvent[] = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'w1', name: 'Acme' } },
  { type: 'MemberJoined', data: { userId: 'owner', email: 'owner@acme.test', role: 'owner', invitationId: null } },
];
const withRoles = (...members: [string, Role][]): WorkspaceEvent[] => [
  ...created,
  ...members.map(([userId, role]): WorkspaceEvent => ({ type: 'MemberJoined', data: { userId, email: `${userId}@acme.test`, role, invitationId: null } })),
];
const invitation: WorkspaceEvent = {
  type: 'InvitationCreated',
  data: { invitationId: 'i1', email: 'new@acme.test', role: 'member', tokenHash: 'h1', expiresAt: '2026-12-01T12:00:00.000Z' },
};
const violation = (error: unknown) => (error as DomainRuleViolation).code;

describe('workspace', () => {
  it('is created with its creator as owner', () => {
    const events = spec.given([]).when({ type: 'CreateWorkspace', data: { workspaceId: 'w1', name: ' Acme ', owner: { userId: 'owner', email: 'owner@acme.test' } }, metadata: as('owner') }).events();
    expect(events).toEqual(created);
  });

  it('is renamed by owners and admins only, and not to an empty name', () => {
    const history = withRoles(['adm', 'admin'], ['mem', 'member']);
    expect(spec.given(history).when({ type: 'RenameWorkspace', data: { name: 'Acme Inc' }, metadata: as('adm') }).events()).toEqual([
      { type: 'WorkspaceRenamed', data: { name: 'Acme Inc' } },
    ]);
    expect(violation(spec.given(history).when({ type: 'RenameWorkspace', data: { name: 'X' }, metadata: as('mem') }).error())).toBe('workspace.forbidden');
    expect(violation(spec.given(history).when({ type: 'RenameWorkspace', data: { name: '  ' }, metadata: as('adm') }).error())).toBe('workspace name.empty');
  });

  it('refuses every command from someone who is not a member', () => {
    const error = spec.given(created).when({ type: 'RenameWorkspace', data: { name: 'Mine' }, metadata: as('stranger') }).error();
    expect(violation(error)).toBe('workspace.not-member');
  });
});

describe('invitations', () => {
  const invite = (actor: string, data: Partial<Extract<WorkspaceCommand, { type: 'InviteMember' }>['data']> = {}): WorkspaceCommand => ({
    type: 'InviteMember',
    data: { invitationId: 'i1', email: 'New@Acme.test ', role: 'member', tokenHash: 'h1', expiresAt: new Date('2026-12-01T12:00:00Z'), ...data },
    metadata: as(actor),
  });
  const accept = (userId: string, email: string, at = now): WorkspaceCommand => ({
    type: 'AcceptInvitation',
    data: { tokenHash: 'h1', userId, email },
    metadata: { now: at },
  });

  it('are created by admins with a normalised e-mail, never for the owner role or an existing member', () => {
    const history = withRoles(['adm', 'admin'], ['view', 'viewer']);
    expect(spec.given(history).when(invite('adm')).events()).toEqual([invitation]);
    expect(violation(spec.given(history).when(invite('view')).error())).toBe('workspace.forbidden');
    expect(violation(spec.given(history).when(invite('adm', { role: 'owner' })).error())).toBe('invitation.role');
    expect(violation(spec.given(history).when(invite('adm', { email: 'view@acme.test' })).error())).toBe('invitation.already-member');
    expect(violation(spec.given(history).when(invite('adm', { email: 'not-an-email' })).error())).toBe('email.invalid');
  });

  it('are accepted once, by the invited address, before they expire', () => {
    const history = [...created, invitation];
    expect(spec.given(history).when(accept('u2', 'NEW@acme.test')).events()).toEqual([
      { type: 'InvitationAccepted', data: { invitationId: 'i1', userId: 'u2', email: 'new@acme.test' } },
      { type: 'MemberJoined', data: { userId: 'u2', email: 'new@acme.test', role: 'member', invitationId: 'i1' } },
    ]);
    const accepted = [...history, ...spec.given(history).when(accept('u2', 'new@acme.test')).events()];
    expect(spec.given(accepted).when(accept('u2', 'new@acme.test')).events()).toEqual([]);
    expect(violation(spec.given(accepted).when(accept('u3', 'new@acme.test')).error())).toBe('invitation.used');
    expect(violation(spec.given(history).when(accept('u3', 'other@acme.test')).error())).toBe('invitation.other-email');
    expect(violation(spec.given(history).when(accept('u2', 'new@acme.test', new Date('2026-12-01T12:00:00Z'))).error())).toBe('invitation.expired');
    const revoked: WorkspaceEvent[] = [...history, { type: 'InvitationRevoked', data: { invitationId: 'i1', email: 'new@acme.test' } }];
    expect(violation(spec.given(revoked).when(accept('u2', 'new@acme.test')).error())).toBe('invitation.revoked');
    expect(violation(spec.given(created).when(accept('u2', 'new@acme.test')).error())).toBe('invitation.not-found');
  });
});

describe('members', () => {
  const change = (actor: string, userId: string, role: Role): WorkspaceCommand => ({ type: 'ChangeMemberRole', data: { userId, role }, metadata: as(actor) });
  const remove = (actor: string, userId: string): WorkspaceCommand => ({ type: 'RemoveMember', data: { userId }, metadata: as(actor) });
  const history = withRoles(['adm', 'admin'], ['mem', 'member'], ['view', 'viewer']);

  it('change roles within the rules: only owners touch the owner role', () => {
    expect(spec.given(history).when(change('adm', 'mem', 'viewer')).events()).toEqual([
      { type: 'MemberRoleChanged', data: { userId: 'mem', email: 'mem@acme.test', from: 'member', to: 'viewer' } },
    ]);
    expect(violation(spec.given(history).when(change('adm', 'mem', 'owner')).error())).toBe('members.owner-only');
    expect(violation(spec.given(history).when(change('adm', 'owner', 'viewer')).error())).toBe('members.owner-only');
    expect(violation(spec.given(history).when(change('mem', 'view', 'member')).error())).toBe('workspace.forbidden');
    expect(spec.given(history).when(change('owner', 'adm', 'owner')).events()).toHaveLength(1);
  });

  it('keep at least one owner', () => {
    expect(violation(spec.given(history).when(change('owner', 'owner', 'admin')).error())).toBe('members.last-owner');
    expect(violation(spec.given(history).when(remove('owner', 'owner')).error())).toBe('members.last-owner');
    const twoOwners = [...history, ...spec.given(history).when(change('owner', 'adm', 'owner')).events()];
    expect(spec.given(twoOwners).when(remove('owner', 'owner')).events()).toEqual([
      { type: 'MemberRemoved', data: { userId: 'owner', email: 'owner@acme.test', role: 'owner' } },
    ]);
  });

  it('are removed by admins (not owners), and anyone may leave', () => {
    expect(spec.given(history).when(remove('adm', 'mem')).events()).toHaveLength(1);
    expect(violation(spec.given(history).when(remove('adm', 'owner')).error())).toBe('members.owner-only');
    expect(violation(spec.given(history).when(remove('mem', 'view')).error())).toBe('workspace.forbidden');
    expect(spec.given(history).when(remove('view', 'view')).events()).toHaveLength(1);
  });
});

describe('role permissions', () => {
  it('give owners everything and viewers only reading', () => {
    const permissions = Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[];
    expect(permissions.every((p) => can('owner', p))).toBe(true);
    expect(permissions.filter((p) => can('viewer', p))).toEqual(['workspace.read']);
    expect(permissions.filter((p) => can('member', p))).toEqual(['workspace.read', 'usage.record', 'budgets.manage']);
    expect(ROLES).toEqual(['owner', 'admin', 'member', 'viewer']);
  });
});
