import { Body, Controller, ForbiddenException, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { CostVersionDetailDto, CostVersionPageDto, RecomputePreviewDto, RecomputeProgressDto, RecomputeStartedDto } from '@act/contracts';
import { can } from '@act/domain/identity';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import { RequestValidationError, type AuthenticatedRequest } from '@act/server/platform';
import { CostCommands, CostVersionQueries, PriceChanges } from '@act/server/usage';
import { RecomputeBody, RecomputeQuery } from './dto/queries';
import {
  CostVersionDetailResponse,
  CostVersionListResponse,
  RecomputePreviewResponse,
  RecomputeProgressResponse,
  RecomputeStartedResponse,
} from './dto/responses';
import { toPriceChange } from './price-change';
import { requireScope } from './prices.controller';

@ApiTags('prices')
@ApiBearerAuth()
@Controller('workspaces/:ws')
export class RecomputesController {
  constructor(
    private readonly versions: CostVersionQueries,
    private readonly changes: PriceChanges,
    private readonly costs: CostCommands,
  ) {}

  @Post('recomputes')
  @WorkspaceScoped('workspace.read')
  @ApiExtraModels(RecomputePreviewResponse, RecomputeStartedResponse)
  @ApiOperation({
    summary: 'Preview (dryRun=true) or apply (dryRun=false) a price change: recompute the affected days into a new cost version',
    description:
      'Body: a price change {provider, model, prices, effectiveFrom} — or nothing, for the price changes already recorded that no version ' +
      'reflects yet (a catalogue refresh, an instance-wide override). dryRun=true answers 200 with the effect per month and model and ' +
      'writes nothing (every member). dryRun=false needs accounts.manage (owners, admins): it sets the price (as POST …/prices) and starts ' +
      'the recompute, answering 202 with its id and the position to wait for; follow it at GET …/recomputes/{id}. ' +
      'One recompute runs at a time per workspace: a change made meanwhile is queued behind it (queuedBehind). ' +
      'The preview of a price change also lists unaffectedVariants: usage recorded under a dated or versioned id of the same model ' +
      '(gpt-4o-mini-2024-07-18 for gpt-4o-mini) that has its own catalogue price, which the change does not reach.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Accepted and not needed: the same price change is recorded once.' })
  @ApiOkResponse({ description: 'dryRun=true: the preview.', schema: { $ref: getSchemaPath(RecomputePreviewResponse) } })
  @ApiAcceptedResponse({ description: 'dryRun=false: the recompute started (or queued).', schema: { $ref: getSchemaPath(RecomputeStartedResponse) } })
  @ApiBadRequestResponse({ description: 'dryRun missing, or a field of the price change not valid (errors by path).' })
  @ApiUnprocessableEntityResponse({ description: 'Nothing to recompute (no body and no pending price change), or the price sheet is not valid.' })
  @ApiConflictResponse({ description: 'A recompute is already running and there is no price change to queue behind it.' })
  async recompute(
    @CurrentWorkspace() ctx: WorkspaceContext,
    @Req() request: AuthenticatedRequest,
    @Query() query: RecomputeQuery,
    @Body() body: RecomputeBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecomputePreviewDto | RecomputeStartedDto> {
    const change =
      body.provider !== undefined && body.model !== undefined && body.prices !== undefined && body.effectiveFrom !== undefined
        ? toPriceChange({ provider: body.provider, model: body.model, prices: body.prices, effectiveFrom: body.effectiveFrom, scope: body.scope })
        : undefined;
    if (!change && body.scope !== undefined) {
      throw new RequestValidationError([{ path: 'scope', message: 'scope goes with a price change: send provider, model, prices and effectiveFrom too' }]);
    }
    if (query.dryRun === 'true') {
      response.status(200);
      return this.versions.preview(ctx.workspaceId, change);
    }
    if (!can(ctx.role, 'accounts.manage')) {
      throw new ForbiddenException('Applying a price change needs accounts.manage (owners and admins); every member may preview it with dryRun=true.');
    }
    response.status(202);
    if (change) {
      requireScope(request, change.scope);
      const applied = await this.changes.apply(ctx.workspaceId, change, { actor: ctx.userId });
      return {
        recomputeId: applied.recompute?.recomputeId ?? null,
        version: applied.recompute?.version ?? null,
        position: String(applied.position),
        priceSetId: applied.priceSetId,
        queuedBehind: applied.queuedBehind,
        rowsChanged: applied.rowsChanged,
      };
    }
    const preview = await this.versions.preview(ctx.workspaceId);
    if (preview.rowsChanged === 0) {
      throw new DomainRuleViolation(
        'recompute.nothing-to-do',
        'No recorded price change would change any estimate of this workspace: nothing to recompute. Send a price change to apply one.',
      );
    }
    const started = await this.costs.startRecompute(
      ctx.workspaceId,
      { reason: 'requested: recorded price changes not yet reflected' },
      { actor: ctx.userId },
    );
    return {
      recomputeId: started.recomputeId,
      version: started.version,
      position: String(started.position),
      priceSetId: null,
      queuedBehind: null,
      rowsChanged: preview.rowsChanged,
    };
  }

  @Get('recomputes/:recomputeId')
  @WorkspaceScoped('workspace.read')
  @ApiParam({ name: 'recomputeId' })
  @ApiOperation({ summary: "A recompute's progress (rows done / total, state) for a progress bar" })
  @ApiOkResponse({ type: RecomputeProgressResponse })
  async progress(
    @CurrentWorkspace() ctx: WorkspaceContext,
    @Param('recomputeId') recomputeId: string,
  ): Promise<RecomputeProgressDto> {
    const progress = await this.versions.progress(ctx.workspaceId, recomputeId);
    if (!progress) throw new NotFoundException(`There is no recompute ${recomputeId.slice(0, 100)} in this workspace.`);
    return progress;
  }

  @Get('cost-versions')
  @WorkspaceScoped('workspace.read')
  @ApiOperation({
    summary: 'Cost versions: who changed which price when, and the difference it made',
    description: 'Newest first. Every version stays queryable (?version= on the summary, daily series, audit and exports).',
  })
  @ApiOkResponse({ type: CostVersionListResponse })
  async list(@CurrentWorkspace() ctx: WorkspaceContext): Promise<CostVersionPageDto> {
    return { items: await this.versions.versions(ctx.workspaceId), nextCursor: null };
  }

  @Get('cost-versions/:version')
  @WorkspaceScoped('workspace.read')
  @ApiParam({ name: 'version', example: 2 })
  @ApiOperation({ summary: 'One cost version with the difference it made per month, account, provider and model' })
  @ApiOkResponse({ type: CostVersionDetailResponse })
  async version(
    @CurrentWorkspace() ctx: WorkspaceContext,
    @Param('version') version: string,
  ): Promise<CostVersionDetailDto> {
    if (!/^[1-9]\d{0,8}$/.test(version)) {
      throw new RequestValidationError([{ path: 'version', message: 'version must be a cost version number (1, 2, …), see GET …/cost-versions' }]);
    }
    const found = await this.versions.version(ctx.workspaceId, Number(version));
    if (!found) throw new NotFoundException(`This workspace has no cost version ${version}.`);
    return found;
  }
}
