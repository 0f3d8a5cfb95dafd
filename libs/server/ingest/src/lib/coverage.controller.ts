import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import { CoveragePageDto, CoverageQuery } from './coverage.dto';
import { CoverageQueries } from './coverage-queries';

@ApiTags('coverage')
@ApiBearerAuth()
@Controller('workspaces/:ws/coverage')
export class CoverageController {
  constructor(private readonly coverage: CoverageQueries) {}

  @Get()
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary: "The coverage gap: the provider's usage API vs request logs, per account × day × kind of usage",
    description:
      'For each account-day with official usage (synced from the provider) of an account that also sends request logs (POST /ingest/usage): ' +
      'both sides per model, operation and tiers, and official − logged (positive: seen by the provider but not logged; negative: logged but not reported). ' +
      'The official numbers are the totals; request logs of such a day do not count in them. Costs are estimated with the current prices, ' +
      'decimal strings in USD. Paged by account-day: ?limit= account-days per page, ?cursor= the previous nextCursor.',
  })
  @ApiOkResponse({ type: CoveragePageDto })
  @ApiBadRequestResponse({ description: 'A bad range, account id, limit or cursor (problem+json with errors).' })
  list(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: CoverageQuery): Promise<CoveragePageDto> {
    return this.coverage.coverage(ctx.workspaceId, query);
  }
}
