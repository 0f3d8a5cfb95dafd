import { Command, Decider, DomainEvent, DomainRuleViolation } from '@act/domain/event-sourcing';
import { assertNever } from '@act/util/core';
import { checkName, normalizeEmail } from './email';
import { can, Permission, Role, roleLabel } from './roles';

/**
 * A workspace's stream (`workspace-<id>`): its name, its members with their roles, and its
 * invitations. Authorisation reads this stream directly (not a read model), so a removed
 * member loses access the moment the event is stored.
 */
export type WorkspaceEvent =
  | DomainEvent<'WorkspaceCreated', { workspaceId: string; name: string }>
  | DomainEvent<'WorkspaceRenamed', { name: string }>
  | DomainEvent<'MemberJoined', { userId: string; email: string; role: Role; invitationId: string | null }>
  | DomainEvent<'MemberRoleChanged', { userId: string; email: string; from: Role; to: Role }>
  | DomainEvent<'MemberRemoved', { userId: string; email: string; role: Role }>
  | DomainEvent<'InvitationCreated', { invitationId: string; email: string; role: Role; tokenHash: string; expiresAt: string }>
  | DomainEvent<'InvitationRevoked', { invitationId: string; email: string }>
  | DomainEvent<'InvitationAccepted', { invitationId: string; userId: string; email: string }>;

export const WORKSPACE_EVENT_TYPES = [
  'WorkspaceCreated',
  'WorkspaceRenamed',
  'MemberJoined',
  'MemberRoleChanged',
  'MemberRemoved',
  'InvitationCreated',
  'InvitationRevoked',
  'InvitationAccepted',
] as const satisfies readonly WorkspaceEvent['type'][];

export type WorkspaceCommand =
  | Command<'CreateWorkspace', { workspaceId: string; name: string; owner: { userId: string; email: string } }>
  | Command<'RenameWorkspace', { name: string }>
  | Command<'InviteMember', { invitationId: string; email: string; role: Role; tokenHash: string; expiresAt: Date }>
  | Command<'RevokeInvitation', { invitationId: string }>
  | Command<'AcceptInvitation', { tokenHash: string; userId: string; email: string }>
  | Command<'ChangeMemberRole', { userId: string; role: Role }>
  | Command<'RemoveMember', { userId: string }>;

export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly role: Role;
}

export interface Invitation {
  readonly invitationId: string;
  readonly email: string;
  readonly role: Role;
  readonly tokenHash: string;
  readonly expiresAt: string;
  readonly status: 'pending' | 'accepted' | 'revoked';
}

export interface WorkspaceState {
  readonly workspaceId: string | null;
  readonly name: string;
  readonly members: ReadonlyMap<string, Member>;
  readonly invitations: ReadonlyMap<string, Invitation>;
}

export const INVITABLE_ROLES: readonly Role[] = ['admin', 'member', 'viewer'];

function initialState(): WorkspaceState {
  return { workspaceId: null, name: '', members: new Map(), invitations: new Map() };
}

function evolve(state: WorkspaceState, event: WorkspaceEvent): WorkspaceState {
  switch (event.type) {
    case 'WorkspaceCreated':
      return { ...state, workspaceId: event.data.workspaceId, name: event.data.name };
    case 'WorkspaceRenamed':
      return { ...state, name: event.data.name };
    case 'MemberJoined':
    case 'MemberRoleChanged': {
      const role = event.type === 'MemberJoined' ? event.data.role : event.data.to;
      const members = new Map(state.members).set(event.data.userId, { userId: event.data.userId, email: event.data.email, role });
      return { ...state, members };
    }
    case 'MemberRemoved': {
      const members = new Map(state.members);
      members.delete(event.data.userId);
      return { ...state, members };
    }
    case 'InvitationCreated': {
      const { invitationId, email, role, tokenHash, expiresAt } = event.data;
      const invitations = new Map(state.invitations).set(invitationId, { invitationId, email, role, tokenHash, expiresAt, status: 'pending' });
      return { ...state, invitations };
    }
    case 'InvitationRevoked':
    case 'InvitationAccepted': {
      const invitation = state.invitations.get(event.data.invitationId);
      if (!invitation) return state;
      const status = event.type === 'InvitationRevoked' ? 'revoked' : 'accepted';
      return { ...state, invitations: new Map(state.invitations).set(invitation.invitationId, { ...invitation, status }) };
    }
    default:
      return assertNever(event);
  }
}

function decide(command: WorkspaceCommand, state: WorkspaceState): WorkspaceEvent[] {
  if (command.type === 'CreateWorkspace') {
    if (state.workspaceId) throw new DomainRuleViolation('workspace.exists', 'This workspace already exists.', 'conflict');
    const { workspaceId, owner } = command.data;
    return [
      { type: 'WorkspaceCreated', data: { workspaceId, name: checkName('workspace name', command.data.name) } },
      { type: 'MemberJoined', data: { userId: owner.userId, email: owner.email, role: 'owner', invitationId: null } },
    ];
  }
  if (!state.workspaceId) throw new DomainRuleViolation('workspace.not-found', 'This workspace does not exist.', 'not-found');

  switch (command.type) {
    case 'RenameWorkspace': {
      requirePermission(state, command.metadata.actorId, 'workspace.manage');
      const name = checkName('workspace name', command.data.name);
      return name === state.name ? [] : [{ type: 'WorkspaceRenamed', data: { name } }];
    }
    case 'InviteMember': {
      requirePermission(state, command.metadata.actorId, 'members.manage');
      const email = normalizeEmail(command.data.email);
      if (!INVITABLE_ROLES.includes(command.data.role)) {
        throw new DomainRuleViolation('invitation.role', 'Invite as admin, member or viewer; make someone an owner once they have joined.');
      }
      if ([...state.members.values()].some((member) => member.email === email)) {
        throw new DomainRuleViolation('invitation.already-member', `${email} is already a member of this workspace.`, 'conflict');
      }
      const expiresAt = command.data.expiresAt.toISOString();
      if (expiresAt <= command.metadata.now.toISOString()) throw new DomainRuleViolation('invitation.expiry', 'An invitation must expire in the future.');
      const { invitationId, role, tokenHash } = command.data;
      return [{ type: 'InvitationCreated', data: { invitationId, email, role, tokenHash, expiresAt } }];
    }
    case 'RevokeInvitation': {
      requirePermission(state, command.metadata.actorId, 'members.manage');
      const invitation = state.invitations.get(command.data.invitationId);
      if (!invitation) throw new DomainRuleViolation('invitation.not-found', 'There is no such invitation in this workspace.', 'not-found');
      if (invitation.status !== 'pending') return [];
      return [{ type: 'InvitationRevoked', data: { invitationId: invitation.invitationId, email: invitation.email } }];
    }
    case 'AcceptInvitation':
      return acceptInvitation(command, state);
    case 'ChangeMemberRole':
      return changeRole(command, state);
    case 'RemoveMember':
      return removeMember(command, state);
    default:
      return assertNever(command);
  }
}

type CommandOf<T extends WorkspaceCommand['type']> = Extract<WorkspaceCommand, { type: T }>;

function acceptInvitation(command: CommandOf<'AcceptInvitation'>, state: WorkspaceState): WorkspaceEvent[] {
  const invitation = [...state.invitations.values()].find((candidate) => candidate.tokenHash === command.data.tokenHash);
  if (!invitation) throw new DomainRuleViolation('invitation.not-found', 'This invitation link is not valid.', 'not-found');
  const { userId, email } = command.data;
  if (invitation.status === 'accepted') {
    // Accepting twice (a double click, a retried request) by the same person is not an error.
    if (state.members.get(userId)?.email === invitation.email) return [];
    throw new DomainRuleViolation('invitation.used', 'This invitation has already been used.', 'conflict');
  }
  if (invitation.status === 'revoked') throw new DomainRuleViolation('invitation.revoked', 'This invitation was withdrawn. Ask for a new one.', 'conflict');
  if (invitation.expiresAt <= command.metadata.now.toISOString()) {
    throw new DomainRuleViolation('invitation.expired', 'This invitation has expired. Ask for a new one.', 'conflict');
  }
  if (normalizeEmail(email) !== invitation.email) {
    throw new DomainRuleViolation(
      'invitation.other-email',
      `This invitation is for ${invitation.email}; you are signed in as ${email}. Sign in with the invited address to accept it.`,
    );
  }
  if (state.members.has(userId)) throw new DomainRuleViolation('invitation.already-member', 'You are already a member of this workspace.', 'conflict');
  return [
    { type: 'InvitationAccepted', data: { invitationId: invitation.invitationId, userId, email: invitation.email } },
    { type: 'MemberJoined', data: { userId, email: invitation.email, role: invitation.role, invitationId: invitation.invitationId } },
  ];
}

function changeRole(command: CommandOf<'ChangeMemberRole'>, state: WorkspaceState): WorkspaceEvent[] {
  const actor = requirePermission(state, command.metadata.actorId, 'members.manage');
  const target = requireMember(state, command.data.userId);
  const to = command.data.role;
  if (target.role === to) return [];
  if ((target.role === 'owner' || to === 'owner') && actor.role !== 'owner') {
    throw new DomainRuleViolation('members.owner-only', 'Only an owner can make someone an owner or change an owner’s role.', 'forbidden');
  }
  if (target.role === 'owner') requireAnotherOwner(state, target.userId, 'change the role of');
  return [{ type: 'MemberRoleChanged', data: { userId: target.userId, email: target.email, from: target.role, to } }];
}

function removeMember(command: CommandOf<'RemoveMember'>, state: WorkspaceState): WorkspaceEvent[] {
  const target = requireMember(state, command.data.userId);
  const leaving = target.userId === command.metadata.actorId;
  if (!leaving) {
    const actor = requirePermission(state, command.metadata.actorId, 'members.manage');
    if (target.role === 'owner' && actor.role !== 'owner') {
      throw new DomainRuleViolation('members.owner-only', 'Only an owner can remove an owner.', 'forbidden');
    }
  }
  if (target.role === 'owner') requireAnotherOwner(state, target.userId, leaving ? 'let go of' : 'remove');
  return [{ type: 'MemberRemoved', data: { userId: target.userId, email: target.email, role: target.role } }];
}

function requireAnotherOwner(state: WorkspaceState, userId: string, verb: string): void {
  const otherOwners = [...state.members.values()].filter((member) => member.role === 'owner' && member.userId !== userId);
  if (otherOwners.length === 0) {
    throw new DomainRuleViolation('members.last-owner', `A workspace needs an owner: make someone else an owner before you ${verb} the last one.`, 'conflict');
  }
}

function requireMember(state: WorkspaceState, userId: string): Member {
  const member = state.members.get(userId);
  if (!member) throw new DomainRuleViolation('members.not-found', 'This person is not a member of the workspace.', 'not-found');
  return member;
}

/**
 * The acting member, if their role allows the permission. The API checks permissions before
 * a command is sent; checking again here keeps the rule true for every caller (CLI, tests).
 */
export function requirePermission(state: WorkspaceState, actorId: string | undefined, permission: Permission): Member {
  const actor = actorId ? state.members.get(actorId) : undefined;
  if (!actor) throw new DomainRuleViolation('workspace.not-member', 'This workspace does not exist.', 'not-found');
  if (!can(actor.role, permission)) {
    throw new DomainRuleViolation('workspace.forbidden', `As ${roleLabel(actor.role)} of this workspace you may not do this (${permission}).`, 'forbidden');
  }
  return actor;
}

export const workspaceDecider: Decider<WorkspaceCommand, WorkspaceEvent, WorkspaceState> = { initialState, evolve, decide };

export function workspaceStreamId(workspaceId: string): string {
  return `workspace-${workspaceId}`;
}
