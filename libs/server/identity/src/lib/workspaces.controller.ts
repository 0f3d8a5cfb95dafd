import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuthenticatedRequest } from '@act/server/platform';
import type { CreatedInvitationDto, CreatedWorkspaceResponse, InvitationDto, MemberDto, Page, SecurityLogEntryDto, WorkspaceDto, WorkspaceSummaryDto, WriteResponse } from '@act/contracts';
import { currentUserId } from './current-user';
import { ChangeRoleBody, CreateInvitationBody, PageQuery, WorkspaceNameBody } from './dto';
import { IdentityReadModel } from './identity-read-model';
import { InvitationService } from './invitation.service';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from './workspace-scope';
import { WorkspaceService } from './workspace.service';


@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('workspaces')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspaceService,
    private readonly invitations: InvitationService,
    private readonly readModel: IdentityReadModel,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The workspaces the caller belongs to, with their role in each.' })
  async list(@Req() request: AuthenticatedRequest): Promise<Page<WorkspaceSummaryDto>> {
    return { items: await this.readModel.workspacesOf(currentUserId(request)), nextCursor: null };
  }

  @Post()
  @ApiOperation({ summary: 'Create a workspace; the caller becomes its owner.' })
  async create(@Body() body: WorkspaceNameBody, @Req() request: AuthenticatedRequest): Promise<CreatedWorkspaceResponse> {
    const userId = currentUserId(request);
    const user = await this.readModel.user(userId);
    const { workspaceId, position } = await this.workspaces.create({ name: body.name, userId, email: user?.email ?? '' });
    return {
      workspace: { id: workspaceId, name: body.name.trim(), role: 'owner', createdAt: new Date().toISOString(), memberCount: 1 },
      position: String(position),
    };
  }

  @Get(':ws')
  @WorkspaceScoped('workspace.read')
  async get(@CurrentWorkspace() ctx: WorkspaceContext): Promise<WorkspaceDto> {
    return { id: ctx.workspaceId, name: ctx.state.name, role: ctx.role, createdAt: await this.readModel.workspaceCreatedAt(ctx.workspaceId), memberCount: ctx.state.members.size };
  }

  @Patch(':ws')
  @WorkspaceScoped('workspace.manage')
  @ApiOperation({ summary: 'Rename the workspace.' })
  async rename(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: WorkspaceNameBody): Promise<WriteResponse> {
    return written(await this.workspaces.rename(ctx, body.name));
  }

  @Get(':ws/members')
  @WorkspaceScoped('workspace.read')
  async members(@CurrentWorkspace() ctx: WorkspaceContext): Promise<Page<MemberDto>> {
    return { items: await this.readModel.members(ctx.workspaceId), nextCursor: null };
  }

  @Post(':ws/members')
  @WorkspaceScoped('members.manage')
  @ApiOperation({ summary: 'Add a member: creates an invitation (same as POST …/invitations).' })
  addMember(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: CreateInvitationBody, @Req() request: Request): Promise<CreatedInvitationDto> {
    return this.invitations.create(ctx, body, origin(request));
  }

  @Patch(':ws/members/:userId')
  @WorkspaceScoped('members.manage')
  @ApiOperation({ summary: "Change a member's role. Only owners grant or take away the owner role; the last owner stays." })
  async changeRole(@CurrentWorkspace() ctx: WorkspaceContext, @Param('userId') userId: string, @Body() body: ChangeRoleBody): Promise<WriteResponse> {
    return written(await this.workspaces.changeRole(ctx, userId, body.role));
  }

  @Delete(':ws/members/:userId')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Remove a member (owners/admins), or leave (anyone, for themselves).' })
  async remove(@CurrentWorkspace() ctx: WorkspaceContext, @Param('userId') userId: string): Promise<WriteResponse> {
    return written(await this.workspaces.removeMember(ctx, userId));
  }

  @Get(':ws/invitations')
  @WorkspaceScoped('members.manage')
  async listInvitations(@CurrentWorkspace() ctx: WorkspaceContext): Promise<Page<InvitationDto>> {
    return { items: await this.readModel.invitations(ctx.workspaceId, new Date()), nextCursor: null };
  }

  @Post(':ws/invitations')
  @WorkspaceScoped('members.manage')
  @ApiOperation({ summary: 'Invite someone by e-mail with a role. The link is in the answer (once) and e-mailed when SMTP is configured.' })
  invite(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: CreateInvitationBody, @Req() request: Request): Promise<CreatedInvitationDto> {
    return this.invitations.create(ctx, body, origin(request));
  }

  @Delete(':ws/invitations/:invitationId')
  @WorkspaceScoped('members.manage')
  async revokeInvitation(@CurrentWorkspace() ctx: WorkspaceContext, @Param('invitationId') invitationId: string): Promise<WriteResponse> {
    return written(await this.invitations.revoke(ctx, invitationId));
  }

  @Get(':ws/security-log')
  @WorkspaceScoped('security-log.read')
  @ApiOperation({ summary: 'Sign-ins, failed sign-ins, member and role changes, credential rotations, ingest keys: newest first.' })
  securityLog(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: PageQuery): Promise<Page<SecurityLogEntryDto>> {
    return this.readModel.securityLog(ctx.workspaceId, query.limit ?? 50, query.cursor);
  }
}

export function written(result: { position: bigint }): WriteResponse {
  return { position: String(result.position) };
}

function origin(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
}
