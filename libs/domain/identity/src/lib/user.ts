import { Command, Decider, DomainEvent, DomainRuleViolation } from '@act/domain/event-sourcing';
import { assertNever } from '@act/util/core';
import { checkName, normalizeEmail } from './email';

/**
 * A user's stream (`user-<id>`): registration and sign-ins. The password arrives here already
 * hashed (argon2id, by the server); the domain never sees a plaintext password.
 * An e-mail address belongs to one user: the server claims it in its own stream
 * (`user-email-<hash>`, appended only if new) before registering, which is what makes it unique.
 */
export type UserEvent =
  | DomainEvent<'UserRegistered', { userId: string; email: string; displayName: string; passwordHash: string; instanceAdmin: boolean }>
  | DomainEvent<'UserSignedIn', { userId: string; ip: string | null; userAgent: string | null }>
  | DomainEvent<'SignInFailed', { userId: string; reason: 'wrong-password'; ip: string | null; userAgent: string | null }>;

export const USER_EVENT_TYPES = ['UserRegistered', 'UserSignedIn', 'SignInFailed'] as const satisfies readonly UserEvent['type'][];

export type UserCommand =
  | Command<'RegisterUser', { userId: string; email: string; displayName?: string; passwordHash: string; instanceAdmin: boolean }>
  | Command<'RecordSignIn', { succeeded: boolean; ip: string | null; userAgent: string | null }>;

export interface UserState {
  readonly userId: string | null;
  readonly email: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly instanceAdmin: boolean;
}

function initialState(): UserState {
  return { userId: null, email: '', displayName: '', passwordHash: '', instanceAdmin: false };
}

function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered':
      return { ...event.data };
    case 'UserSignedIn':
    case 'SignInFailed':
      return state;
    default:
      return assertNever(event);
  }
}

function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser': {
      if (state.userId) throw new DomainRuleViolation('user.exists', 'This user already exists.', 'conflict');
      const email = normalizeEmail(command.data.email);
      const displayName = checkName('display name', command.data.displayName?.trim() || email.split('@')[0]);
      const { userId, passwordHash, instanceAdmin } = command.data;
      return [{ type: 'UserRegistered', data: { userId, email, displayName, passwordHash, instanceAdmin } }];
    }
    case 'RecordSignIn': {
      if (!state.userId) throw new DomainRuleViolation('user.not-found', 'There is no such user.', 'not-found');
      const { ip, userAgent } = command.data;
      return command.data.succeeded
        ? [{ type: 'UserSignedIn', data: { userId: state.userId, ip, userAgent } }]
        : [{ type: 'SignInFailed', data: { userId: state.userId, reason: 'wrong-password', ip, userAgent } }];
    }
    default:
      return assertNever(command);
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = { initialState, evolve, decide };

export function userStreamId(userId: string): string {
  return `user-${userId}`;
}

/** The stream that claims an e-mail address; `emailKey` is a hash so the id reveals nothing. */
export function emailClaimStreamId(emailKey: string): string {
  return `user-email-${emailKey}`;
}

export const EMAIL_CLAIMED = 'EmailClaimed';
export type EmailClaimed = DomainEvent<typeof EMAIL_CLAIMED, { userId: string }>;

/** Appended once, by whoever registers first: that user becomes the instance administrator. */
export const INSTANCE_STREAM_ID = 'instance';
export const INSTANCE_INITIALIZED = 'InstanceInitialized';
export type InstanceInitialized = DomainEvent<typeof INSTANCE_INITIALIZED, { firstUserId: string }>;
