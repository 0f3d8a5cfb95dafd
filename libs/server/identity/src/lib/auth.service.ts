import { ConflictException, ForbiddenException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomUUID } from 'node:crypto';
import {
  checkPassword,
  EMAIL_CLAIMED,
  emailClaimStreamId,
  INSTANCE_INITIALIZED,
  INSTANCE_STREAM_ID,
  normalizeEmail,
  USER_EVENT_TYPES,
  userDecider,
  userStreamId,
  type UserCommand,
  type UserEvent,
  type UserState,
} from '@act/domain/identity';
import { DeciderStream, EVENT_STORE, WrongExpectedRevisionError, type EventStore } from '@act/server/event-store';
import { APP_CONFIG, AppConfig, PROJECTION_RUNNER } from '@act/server/platform';
import type { ProjectionRunner } from '@act/server/projections';
import type { SessionResponse } from '@act/contracts';
import { hashPassword, verifyDecoy, verifyPassword } from './passwords';
import type { IssuedRefreshToken, SessionStore } from './sessions';
import { SESSION_STORE } from './tokens';
import { IdentityReadModel } from './identity-read-model';
import { InvitationService } from './invitation.service';
import { WorkspaceService } from './workspace.service';
import type { AccessTokenClaims } from './access-tokens';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedIn {
  response: SessionResponse;
  refresh: IssuedRefreshToken;
}

const WRONG_CREDENTIALS = 'The e-mail address or the password is wrong.';

/** Registration, sign-in, refresh and sign-out. Passwords are argon2id hashes by the time they reach an event. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly users: DeciderStream<UserCommand, UserEvent, UserState>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly jwt: JwtService,
    private readonly readModel: IdentityReadModel,
    private readonly workspaces: WorkspaceService,
    private readonly invitations: InvitationService,
  ) {
    this.users = new DeciderStream(store, userDecider, USER_EVENT_TYPES);
  }

  async register(input: { email: string; password: string; displayName?: string; invitationToken?: string }): Promise<SignedIn> {
    const email = normalizeEmail(input.email);
    checkPassword(input.password);
    const firstUser = (await this.store.readStream(INSTANCE_STREAM_ID, { limit: 1 }))[0]?.data as { firstUserId: string } | undefined;
    if (input.invitationToken) {
      await this.invitations.checkAcceptable(input.invitationToken, email);
    } else if (firstUser && this.config.REGISTRATION === 'invite-only') {
      throw new ForbiddenException('Registration on this instance is by invitation only: ask a workspace admin for an invitation link.');
    }
    const passwordHash = await hashPassword(input.password);
    const userId = await this.claimEmail(email);
    const instanceAdmin = (await this.initializeInstance(userId)) === userId;
    const now = new Date();
    const registered = await this.users.execute(
      userStreamId(userId),
      { type: 'RegisterUser', data: { userId, email, displayName: input.displayName, passwordHash, instanceAdmin }, metadata: { now, actorId: userId } },
      { eventId: () => uuidFrom(`registered:${userId}`) },
    );
    const joined = input.invitationToken
      ? await this.invitations.accept(input.invitationToken, { userId, email })
      : await this.workspaces.create({ name: `${registered.state.displayName}'s workspace`, userId, email });
    this.logger.log(`User registered${instanceAdmin ? ' (instance administrator)' : ''}`);
    return this.startSession(userId, maxPosition(registered.position, joined.position));
  }

  async login(input: { email: string; password: string }, client: ClientInfo): Promise<SignedIn> {
    let email: string;
    try {
      email = normalizeEmail(input.email);
    } catch {
      throw new UnauthorizedException(WRONG_CREDENTIALS);
    }
    const userId = await this.userIdByEmail(email);
    const user = userId ? (await this.users.load(userStreamId(userId))).state : null;
    if (!userId || !user?.userId) {
      await verifyDecoy(input.password);
      throw new UnauthorizedException(WRONG_CREDENTIALS);
    }
    const ok = await verifyPassword(user.passwordHash, input.password);
    const recorded = await this.users.execute(userStreamId(userId), { type: 'RecordSignIn', data: { succeeded: ok, ...client }, metadata: { now: new Date(), actorId: userId } });
    if (!ok) throw new UnauthorizedException(WRONG_CREDENTIALS);
    return this.startSession(userId, recorded.position);
  }

  async refresh(token: string | undefined): Promise<SignedIn> {
    const outcome = token ? await this.sessions.refresh(token) : ({ kind: 'invalid' } as const);
    if (outcome.kind === 'reused') {
      this.logger.warn(`Refresh token reused: session family ${outcome.familyId} revoked`);
      throw new UnauthorizedException('This session was ended because its refresh token was used twice. Sign in again.');
    }
    if (outcome.kind === 'invalid') throw new UnauthorizedException('No valid session: sign in.');
    return { response: await this.sessionResponse(outcome.issued, 0n), refresh: outcome.issued };
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.sessions.revokeByToken(token);
  }

  async me(userId: string) {
    const user = await this.readModel.user(userId);
    if (!user) throw new UnauthorizedException('No such user.');
    return { user, workspaces: await this.readModel.workspacesOf(userId) };
  }

  private async startSession(userId: string, position: bigint): Promise<SignedIn> {
    const refresh = await this.sessions.start(userId);
    return { response: await this.sessionResponse(refresh, position), refresh };
  }

  private async sessionResponse(refresh: IssuedRefreshToken, position: bigint): Promise<SessionResponse> {
    // The answer lists the user's workspaces: let the directory catch up with what was just written.
    if (position > 0n) await this.runner.waitForPosition(position, this.config.WAIT_FOR_TIMEOUT_MS);
    const user = await this.readModel.user(refresh.userId);
    if (!user) throw new UnauthorizedException('No such user.');
    const claims: AccessTokenClaims = { sub: user.id, sid: refresh.familyId, adm: user.instanceAdmin };
    return {
      accessToken: await this.jwt.signAsync(claims),
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      user,
      workspaces: await this.readModel.workspacesOf(user.id),
      position: String(position),
    };
  }

  /**
   * One address, one user: the address is claimed in its own stream, which can be created only
   * once. A claim left by a registration that crashed before the user was stored is taken over.
   */
  private async claimEmail(email: string): Promise<string> {
    const streamId = emailClaimStreamId(emailKey(email));
    const userId = randomUUID();
    try {
      await this.store.appendToStream(streamId, [{ id: randomUUID(), type: EMAIL_CLAIMED, data: { userId } }], { expectedRevision: 'no_stream' });
      return userId;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
    const claimedBy = await this.userIdByEmail(email);
    if (claimedBy && !(await this.users.load(userStreamId(claimedBy))).state.userId) return claimedBy;
    throw new ConflictException('An account with this e-mail address already exists: sign in instead.');
  }

  private async userIdByEmail(email: string): Promise<string | null> {
    const [claim] = await this.store.readStream(emailClaimStreamId(emailKey(email)), { limit: 1 });
    return claim ? (claim.data as { userId: string }).userId : null;
  }

  /** The first user to register administers the instance: whoever creates the instance stream. */
  private async initializeInstance(userId: string): Promise<string> {
    try {
      await this.store.appendToStream(INSTANCE_STREAM_ID, [{ id: randomUUID(), type: INSTANCE_INITIALIZED, data: { firstUserId: userId } }], { expectedRevision: 'no_stream' });
      return userId;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const [first] = await this.store.readStream(INSTANCE_STREAM_ID, { limit: 1 });
      return (first.data as { firstUserId: string }).firstUserId;
    }
  }
}

function emailKey(email: string): string {
  return createHash('sha256').update(`email:${email}`).digest('hex');
}

/** A UUID derived from a name: the same registration retried appends the same event. */
function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function maxPosition(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

