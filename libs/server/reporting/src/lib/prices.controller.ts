import { Body, Controller, ForbiddenException, Get, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { AppliedPriceChangeDto, PriceHistoryDto, PriceSearchResultDto, PriceVersionDto } from '@act/contracts';
import { CurrentWorkspace, notFound, WorkspaceAccess, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import type { AuthenticatedRequest } from '@act/server/platform';
import { PriceChanges, PricingQueries } from '@act/server/usage';
import { PriceChangeBody, PriceSearchQuery, PriceWorkspaceQuery } from './dto/queries';
import { AppliedPriceChangeResponse, PriceHistoryResponse, PriceSearchResponse, PriceVersionResponse } from './dto/responses';
import { today } from './ranges';
import { toPriceChange } from './price-change';

const WORKSPACE_QUERY_NOTE =
  'With ?workspace=<id> (a workspace the caller belongs to) its own overrides are included and take precedence; another workspace is a 404.';

/** The price catalogue: the shipped LiteLLM prices, instance-wide overrides and, on request, one workspace's overrides. */
@ApiTags('prices')
@ApiBearerAuth()
@Controller()
export class PricesController {
  constructor(
    private readonly pricing: PricingQueries,
    private readonly changes: PriceChanges,
    private readonly access: WorkspaceAccess,
  ) {}

  @Get('prices')
  @ApiOperation({
    summary: 'Search the price catalogue (the version in force on a day per model)',
    description: `Any signed-in user. Prices are decimal strings in USD per unit (per token for token classes). ${WORKSPACE_QUERY_NOTE}`,
  })
  @ApiOkResponse({ type: PriceSearchResponse })
  @ApiNotFoundResponse({ description: 'workspace given, and the caller is not a member of it.' })
  async search(@Req() request: AuthenticatedRequest, @Query() query: PriceSearchQuery): Promise<PriceSearchResultDto> {
    const workspaceId = await this.visibleWorkspace(request, query.workspace);
    return this.pricing.search(workspaceId, {
      provider: query.provider,
      model: query.model,
      q: query.q,
      day: query.day ?? today(),
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  @Get('prices/versions/:priceSetId')
  @ApiParam({ name: 'priceSetId', description: 'A price version id, as estimates record it (priceSetId).' })
  @ApiOperation({ summary: 'One price version (PriceSet) by id', description: WORKSPACE_QUERY_NOTE })
  @ApiOkResponse({ type: PriceVersionResponse })
  @ApiNotFoundResponse({ description: 'No such price version visible to the caller.' })
  async version(
    @Req() request: AuthenticatedRequest,
    @Param('priceSetId') priceSetId: string,
    @Query() query: PriceWorkspaceQuery,
  ): Promise<PriceVersionDto> {
    const workspaceId = await this.visibleWorkspace(request, query.workspace);
    const found = await this.pricing.version(workspaceId, priceSetId);
    if (!found) throw new NotFoundException(`There is no price version ${priceSetId.slice(0, 100)} in this view of the catalogue.`);
    return found;
  }

  @Get('prices/:provider/:model/history')
  @ApiParam({ name: 'provider', example: 'openai' })
  @ApiParam({ name: 'model', example: 'gpt-4o-mini', description: 'The model as priced; encode a "/" in it as %2F.' })
  @ApiOperation({
    summary: "A model's price history: every version, who set it and when, oldest first",
    description: WORKSPACE_QUERY_NOTE,
  })
  @ApiOkResponse({ type: PriceHistoryResponse })
  async history(
    @Req() request: AuthenticatedRequest,
    @Param('provider') provider: string,
    @Param('model') model: string,
    @Query() query: PriceWorkspaceQuery,
  ): Promise<PriceHistoryDto> {
    const workspaceId = await this.visibleWorkspace(request, query.workspace);
    return this.pricing.history(workspaceId, provider, model);
  }

  @Post('workspaces/:ws/prices')
  @WorkspaceScoped('accounts.manage')
  @ApiOperation({
    summary: "Override a model's prices from a day on",
    description:
      'Records a price version (PriceSet, source override) for this workspace — or, with scope instance, for every workspace (instance ' +
      'administrators). Setting the prices already in force is a no-op. When recorded usage on or after effectiveFrom changes, a recompute ' +
      'starts at once into a new cost version (follow it at GET …/recomputes/{id}); earlier versions stay queryable, closed months get ' +
      'adjustment lines. Preview first with POST …/recomputes?dryRun=true. Owners and admins.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Accepted and not needed: the same prices for the same day are recorded once.' })
  @ApiCreatedResponse({ type: AppliedPriceChangeResponse })
  @ApiBadRequestResponse({ description: 'A field is missing or not valid (errors by path, e.g. prices.input).' })
  @ApiUnprocessableEntityResponse({ description: 'The price sheet is not valid as a whole (e.g. no price at all).' })
  @ApiConflictResponse({ description: 'Another write to the same prices happened at the same time: retry.' })
  async setPrice(
    @CurrentWorkspace() ctx: WorkspaceContext,
    @Req() request: AuthenticatedRequest,
    @Body() body: PriceChangeBody,
  ): Promise<AppliedPriceChangeDto> {
    requireScope(request, body.scope);
    const applied = await this.changes.apply(ctx.workspaceId, toPriceChange(body), { actor: ctx.userId });
    return {
      priceSetId: applied.priceSetId,
      position: String(applied.position),
      recompute: applied.recompute,
      queuedBehind: applied.queuedBehind,
      rowsChanged: applied.rowsChanged,
    };
  }

  /** The workspace whose overrides a catalogue read may include: only one the caller belongs to (else 404, like every workspace route). */
  private async visibleWorkspace(request: AuthenticatedRequest, workspace: string | undefined): Promise<string | null> {
    if (workspace === undefined) return null;
    const principal = request.principal;
    if (principal?.kind !== 'user') throw notFound();
    const state = await this.access.load(workspace);
    if (!state.members.has(principal.userId)) throw notFound();
    return workspace;
  }
}

/** Instance-wide prices are for instance administrators. */
export function requireScope(request: AuthenticatedRequest, scope: 'workspace' | 'instance' | undefined): void {
  if (scope !== 'instance') return;
  const principal = request.principal;
  if (principal?.kind === 'user' && principal.instanceAdmin) return;
  throw new ForbiddenException('Only instance administrators may set prices for every workspace (scope instance); leave scope out to set them for this workspace.');
}
