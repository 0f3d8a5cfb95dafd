import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import {
  ChannelDto,
  ChannelWriteResponseDto,
  CreateChannelBody,
  DeliveriesQuery,
  DeliveryPageDto,
  PreferencesBody,
  PreferencesDto,
  TestSendResultDto,
  UpdateChannelBody,
} from './dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('workspaces/:ws')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('channels')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Notification channels (webhook URLs only as a masked hint).' })
  async channels(@CurrentWorkspace() ctx: WorkspaceContext): Promise<{ items: ChannelDto[]; nextCursor: null }> {
    return { items: await this.notifications.channels(ctx.workspaceId), nextCursor: null };
  }

  @Post('channels')
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({
    summary:
      'Add a channel: e-mail (SMTP), Slack, Discord or Microsoft Teams incoming webhook, or a generic webhook (JSON signed with HMAC-SHA256; the signing secret is in this answer only). URLs are stored encrypted; private and loopback addresses are refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=true.',
  })
  @ApiOkResponse({ type: ChannelWriteResponseDto })
  create(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: CreateChannelBody): Promise<ChannelWriteResponseDto> {
    return this.notifications.createChannel(ctx, body);
  }

  @Patch('channels/:channelId')
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({ summary: 'Rename, enable/disable, change kinds, severity, recipients or URL; rotateSecret replaces the signing secret (shown once).' })
  @ApiOkResponse({ type: ChannelWriteResponseDto })
  update(@CurrentWorkspace() ctx: WorkspaceContext, @Param('channelId') channelId: string, @Body() body: UpdateChannelBody): Promise<ChannelWriteResponseDto> {
    return this.notifications.updateChannel(ctx, channelId, body);
  }

  @Delete('channels/:channelId')
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({ summary: 'Remove a channel; its URL and secret are destroyed. Its delivery history stays.' })
  remove(@CurrentWorkspace() ctx: WorkspaceContext, @Param('channelId') channelId: string): Promise<{ position: string }> {
    return this.notifications.removeChannel(ctx, channelId);
  }

  @Post('channels/:channelId/test')
  @HttpCode(200)
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({ summary: 'Send a test message now (one attempt) and report what the receiver answered.' })
  @ApiOkResponse({ type: TestSendResultDto })
  test(@CurrentWorkspace() ctx: WorkspaceContext, @Param('channelId') channelId: string): Promise<TestSendResultDto> {
    return this.notifications.testChannel(ctx, channelId);
  }

  @Get('deliveries')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Delivery history, newest first: status, attempts with their outcome, next retry.' })
  @ApiOkResponse({ type: DeliveryPageDto })
  deliveries(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: DeliveriesQuery): Promise<DeliveryPageDto> {
    return this.notifications.deliveries(ctx.workspaceId, query);
  }

  @Get('notification-preferences')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Which alert kinds reach you by e-mail in this workspace (default: all).' })
  @ApiOkResponse({ type: PreferencesDto })
  preferences(@CurrentWorkspace() ctx: WorkspaceContext): Promise<PreferencesDto> {
    return this.notifications.preferences(ctx);
  }

  @Put('notification-preferences')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Choose which alert kinds reach you by e-mail (through e-mail channels sent to members); email: false for none.' })
  @ApiOkResponse({ type: PreferencesDto })
  setPreferences(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: PreferencesBody): Promise<PreferencesDto & { position: string }> {
    return this.notifications.setPreferences(ctx, body);
  }
}
