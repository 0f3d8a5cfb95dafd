import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import { CreateManualEntryBody, ManualEntriesQuery, ManualEntryPageDto, ManualEntryWriteDto, UpdateManualEntryBody, WritePositionDto } from './dto';
import { ManualEntriesService } from './manual-entries.service';

@ApiTags('manual entries')
@ApiBearerAuth()
@Controller('workspaces/:ws/manual-entries')
export class ManualEntriesController {
  constructor(private readonly entries: ManualEntriesService) {}

  @Get()
  @WorkspaceScoped('workspace.read')
  @ApiOperation({ summary: 'Manual entries in force (deleted ones and ones replaced by another source are left out), newest day first.' })
  @ApiOkResponse({ type: ManualEntryPageDto })
  list(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: ManualEntriesQuery): Promise<ManualEntryPageDto> {
    return this.entries.list(ctx, query);
  }

  @Post()
  @WorkspaceScoped('usage.record')
  @ApiOperation({
    summary: "Record a day's usage and/or cost for an account and model by hand",
    description:
      'Recorded as UsageObserved with source manual for the key (account, day, requestType); the entry id is derived from that key. ' +
      'Sending the same entry again answers the same entry (idempotent; an Idempotency-Key is not needed). ' +
      '409 when the key already has a different entry (edit it) or usage from another source.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Accepted and not needed: the entry is keyed by account, day and model.' })
  @ApiCreatedResponse({ type: ManualEntryWriteDto })
  @ApiConflictResponse({ description: 'The key has another entry or usage from another source, or the account is disconnected.' })
  create(@CurrentWorkspace() ctx: WorkspaceContext, @Body() body: CreateManualEntryBody): Promise<ManualEntryWriteDto> {
    return this.entries.create(ctx, body);
  }

  @Patch(':entryId')
  @WorkspaceScoped('usage.record')
  @ApiOperation({ summary: 'Change an entry’s numbers: a new observation for its key replaces the previous one (latest wins).' })
  @ApiOkResponse({ type: ManualEntryWriteDto })
  update(@CurrentWorkspace() ctx: WorkspaceContext, @Param('entryId') entryId: string, @Body() body: UpdateManualEntryBody): Promise<ManualEntryWriteDto> {
    return this.entries.update(ctx, entryId, body);
  }

  @Delete(':entryId')
  @WorkspaceScoped('usage.record')
  @ApiOperation({ summary: 'Delete an entry: an observation of zero (a tombstone) replaces it in every total; the history keeps both.' })
  @ApiOkResponse({ type: WritePositionDto })
  remove(@CurrentWorkspace() ctx: WorkspaceContext, @Param('entryId') entryId: string): Promise<{ position: string }> {
    return this.entries.remove(ctx, entryId);
  }
}
