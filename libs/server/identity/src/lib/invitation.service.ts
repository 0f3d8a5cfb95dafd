import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import { normalizeEmail, type Invitation, type Role, type WorkspaceState } from '@act/domain/identity';
import { APP_CONFIG, AppConfig } from '@act/server/platform';
import type { CreatedInvitationDto, InvitationPreviewDto } from '@act/contracts';
import type { Mailer } from './mailer';
import { MAILER } from './tokens';
import { WorkspaceAccess } from './workspace-access';
import type { WorkspaceContext } from './workspace-scope';
import { WorkspaceService } from './workspace.service';

/**
 * Invitation links. The token carries its workspace's id (so accepting reads one stream, and
 * single use is enforced by that stream's expected revision) and 256 random bits; the stream
 * stores only its SHA-256.
 */
@Injectable()
export class InvitationService {
  private readonly logger = new Logger('Invitations');

  constructor(
    private readonly access: WorkspaceAccess,
    private readonly workspaces: WorkspaceService,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(ctx: WorkspaceContext, input: { email: string; role: Role }, origin: string): Promise<CreatedInvitationDto> {
    const token = Buffer.concat([uuidBytes(ctx.workspaceId), randomBytes(32)]).toString('base64url');
    const invitationId = randomUUID();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.INVITATION_TTL_HOURS * 3_600_000);
    const result = await this.workspaces.run(ctx.workspaceId, ctx.userId, {
      type: 'InviteMember',
      data: { invitationId, email: input.email, role: input.role, tokenHash: hashInvitationToken(token), expiresAt },
    });
    const invitation = result.state.invitations.get(invitationId) as Invitation;
    const acceptPath = `/invitations/${token}`;
    const emailed = await this.email(invitation, result.state, ctx, `${this.config.PUBLIC_URL ?? origin}${acceptPath}`);
    return {
      id: invitationId,
      email: invitation.email,
      role: invitation.role,
      createdAt: now.toISOString(),
      expiresAt: invitation.expiresAt,
      status: 'pending',
      token,
      acceptPath,
      emailed,
      position: String(result.position),
    };
  }

  revoke(ctx: WorkspaceContext, invitationId: string) {
    return this.workspaces.run(ctx.workspaceId, ctx.userId, { type: 'RevokeInvitation', data: { invitationId } });
  }

  async preview(token: string): Promise<InvitationPreviewDto> {
    const { state, invitation } = await this.find(token);
    const expired = invitation.status === 'pending' && invitation.expiresAt <= new Date().toISOString();
    return { workspaceName: state.name, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt, status: expired ? 'expired' : invitation.status };
  }

  /** Before registering someone with an invitation: would accepting it work? */
  async checkAcceptable(token: string, email: string): Promise<void> {
    const { invitation } = await this.find(token);
    if (invitation.status !== 'pending') throw new DomainRuleViolation('invitation.used', 'This invitation is no longer valid. Ask for a new one.', 'conflict');
    if (invitation.expiresAt <= new Date().toISOString()) throw new DomainRuleViolation('invitation.expired', 'This invitation has expired. Ask for a new one.', 'conflict');
    if (invitation.email !== normalizeEmail(email)) {
      throw new DomainRuleViolation('invitation.other-email', `This invitation is for ${invitation.email}: register with that address to accept it.`);
    }
  }

  async accept(token: string, user: { userId: string; email: string }): Promise<{ workspaceId: string; position: bigint }> {
    const workspaceId = workspaceOfToken(token);
    if (!workspaceId) throw invalidLink();
    const result = await this.workspaces.run(workspaceId, user.userId, { type: 'AcceptInvitation', data: { tokenHash: hashInvitationToken(token), ...user } });
    return { workspaceId, position: result.position };
  }

  private async find(token: string): Promise<{ state: WorkspaceState; invitation: Invitation }> {
    const workspaceId = workspaceOfToken(token);
    if (!workspaceId) throw invalidLink();
    const state = await this.access.load(workspaceId).catch(() => {
      throw invalidLink();
    });
    const hash = hashInvitationToken(token);
    const invitation = [...state.invitations.values()].find((candidate) => candidate.tokenHash === hash);
    if (!invitation) throw invalidLink();
    return { state, invitation };
  }

  private async email(invitation: Invitation, state: WorkspaceState, ctx: WorkspaceContext, link: string): Promise<boolean> {
    if (!this.mailer.enabled) return false;
    const inviter = state.members.get(ctx.userId)?.email ?? 'A colleague';
    try {
      await this.mailer.send({
        to: invitation.email,
        subject: `You are invited to ${state.name} on AI Cost Tracker`,
        text: [
          `${inviter} invites you to join the workspace "${state.name}" as ${invitation.role}.`,
          '',
          `Accept the invitation: ${link}`,
          '',
          `The link works once and expires at ${invitation.expiresAt}. If you did not expect it, ignore this e-mail.`,
        ].join('\n'),
      });
      return true;
    } catch (error) {
      // The invitation exists either way; the admin still has the link to pass on by hand.
      this.logger.warn(`Could not e-mail an invitation: ${(error as Error).message}`);
      return false;
    }
  }
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(`invitation:${token}`).digest('hex');
}

function invalidLink(): NotFoundException {
  return new NotFoundException('This invitation link is not valid. Check that it was copied whole, or ask for a new one.');
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function workspaceOfToken(token: string): string | null {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return null;
  const hex = Buffer.from(token, 'base64url').subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
