import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import type { AccountDto, AccountWriteResponse, ConnectionTestResponse, CreatedIngestKeyDto, IngestKeyDto, Page, WriteResponse } from '@act/contracts';
import { AccountsReadModel } from './accounts-read-model';
import { AccountsService } from './accounts.service';
import { ConnectAccountBody, CreateIngestKeyBody, UpdateAccountBody } from './dto';
import { IngestKeysService } from './ingest-keys.service';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('workspaces/:ws')
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly ingestKeys: IngestKeysService,
    private readonly readModel: AccountsReadModel,
  ) {}

  @Get('accounts')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Provider accounts of the workspace (credentials only as a masked hint).' })
  async list(@CurrentWorkspace() ctx: WorkspaceContext): Promise<Page<AccountDto>> {
    return { items: await this.readModel.list(ctx.workspaceId), nextCursor: null };
  }

  @Post('accounts')
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({ summary: 'Connect a provider account. Credentials are encrypted at rest and never returned.' })
  connect(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: ConnectAccountBody): Promise<AccountWriteResponse> {
    return this.accounts.connect(ctx, body);
  }

  @Get('accounts/:accountId')
  @WorkspaceScoped('workspace.read')
  get(@CurrentWorkspace() ctx: WorkspaceContext, @Param('accountId') accountId: string): Promise<AccountDto> {
    return this.readModel.get(ctx.workspaceId, accountId);
  }

  @Patch('accounts/:accountId')
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({ summary: 'Rename, rotate credentials, change base URL or budget, pause (syncEnabled=false) or resume.' })
  update(@CurrentWorkspace() ctx: WorkspaceContext, @Param('accountId') accountId: string, @Body() body: UpdateAccountBody): Promise<AccountWriteResponse> {
    return this.accounts.update(ctx, accountId, body);
  }

  @Delete('accounts/:accountId')
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({ summary: 'Disconnect: history stays, the credential is destroyed, the account becomes read-only.' })
  disconnect(@CurrentWorkspace() ctx: WorkspaceContext, @Param('accountId') accountId: string): Promise<WriteResponse> {
    return this.accounts.disconnect(ctx, accountId);
  }

  @Post('accounts/:accountId/test')
  @HttpCode(200)
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({ summary: "Call the provider's cheapest authenticated read and report a typed result." })
  test(@CurrentWorkspace() ctx: WorkspaceContext, @Param('accountId') accountId: string): Promise<ConnectionTestResponse> {
    return this.accounts.test(ctx, accountId);
  }

  @Get('ingest-keys')
  @WorkspaceScoped('ingest-keys.manage')
  async listKeys(@CurrentWorkspace() ctx: WorkspaceContext): Promise<Page<IngestKeyDto>> {
    return { items: await this.readModel.ingestKeys(ctx.workspaceId), nextCursor: null };
  }

  @Post('ingest-keys')
  @WorkspaceScoped('ingest-keys.manage')
  @ApiOperation({ summary: 'Create an ingest key bound to one account. The key is in this answer only.' })
  createKey(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: CreateIngestKeyBody): Promise<CreatedIngestKeyDto> {
    return this.ingestKeys.create(ctx, body);
  }

  @Delete('ingest-keys/:keyId')
  @WorkspaceScoped('ingest-keys.manage')
  revokeKey(@CurrentWorkspace() ctx: WorkspaceContext, @Param('keyId') keyId: string): Promise<WriteResponse> {
    return this.ingestKeys.revoke(ctx, keyId);
  }
}
