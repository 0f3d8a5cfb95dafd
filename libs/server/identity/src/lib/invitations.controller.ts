import { Controller, Get, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, type AuthenticatedRequest } from '@act/server/platform';
import type { AcceptInvitationResponse, InvitationPreviewDto } from '@act/contracts';
import { currentUserId } from './current-user';
import { IdentityReadModel } from './identity-read-model';
import { InvitationService } from './invitation.service';
import { WorkspaceAccess } from './workspace-access';

@ApiTags('workspaces')
@Controller('invitations')
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationService,
    private readonly readModel: IdentityReadModel,
    private readonly access: WorkspaceAccess,
  ) {}

  @Public()
  @Get(':token')
  @ApiOperation({ summary: 'What an invitation link offers (workspace, role, e-mail, expiry), for the accept page.' })
  preview(@Param('token') token: string): Promise<InvitationPreviewDto> {
    return this.invitations.preview(token);
  }

  @Post(':token/accept')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Join the workspace as the signed-in user (whose e-mail must be the invited one).' })
  async accept(@Param('token') token: string, @Req() request: AuthenticatedRequest): Promise<AcceptInvitationResponse> {
    const userId = currentUserId(request);
    const user = await this.readModel.user(userId);
    const { workspaceId, position } = await this.invitations.accept(token, { userId, email: user?.email ?? '' });
    const state = await this.access.load(workspaceId);
    const role = state.members.get(userId)?.role ?? 'viewer';
    return { workspace: { id: workspaceId, name: state.name, role }, position: String(position) };
  }
}
