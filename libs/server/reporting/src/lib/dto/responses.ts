import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  COST_STATUSES,
  USAGE_GROUP_BYS,
  type AdjustmentLineDto,
  type AppliedPriceChangeDto,
  type AuditBilledLineDto,
  type AuditCellDetailDto,
  type AuditCellDto,
  type AuditLineDto,
  type AuditMonthDto,
  type AuditObservationDto,
  type CostBreakdownRowDto,
  type CostDeltaRowDto,
  type CostRowCountsDto,
  type CostStatus,
  type CostVersionDetailDto,
  type CostVersionDto,
  type CostVersionPageDto,
  type DailyCostPointDto,
  type DailyCostSeriesDto,
  type PeriodCloseDto,
  type PeriodClosedDto,
  type PriceEntryDto,
  type PriceHistoryDto,
  type PriceScopeDto,
  type PriceSearchResultDto,
  type PriceSheetDto,
  type PriceSourceDto,
  type PriceVersionDto,
  type RecomputePreviewDto,
  type RecomputeProgressDto,
  type RecomputeStartedDto,
  type RecomputeState,
  type UsageGroupBy,
  type UsageEventDto,
  type UsageEventsPageDto,
  type UsageMonthSummaryDto,
} from '@act/contracts';
import { PriceSheetBody } from './queries';

/*
 * OpenAPI descriptions of the reporting responses. Each class implements the contract type
 * the web app reads (`@act/contracts`), so the document and the contract cannot drift apart.
 * Money is a decimal string with a `currency` (USD); positions are decimal strings.
 */

const MONEY = { type: String, example: '12.345678', description: 'Decimal string in `currency`, exact.' } as const;
const MONEY_OR_NULL = { ...MONEY, nullable: true } as const;
const OBJECT = { type: 'object', additionalProperties: true } as const;

export class CostRowCountsResponse implements CostRowCountsDto {
  @ApiProperty({ description: 'Usage rows (account × day × requestType).' }) rows!: number;
  @ApiProperty() estimated!: number;
  @ApiProperty() manual!: number;
  @ApiProperty({ description: 'Rows without a price: never counted as $0.' }) unpriced!: number;
  @ApiProperty({ description: "Rows whose provider data is not final yet." }) pending!: number;
}

export class CostBreakdownRowResponse implements CostBreakdownRowDto {
  @ApiProperty({ type: String, nullable: true, description: 'Provider id, account id, provider/model, or project (null: no project).' }) key!: string | null;
  @ApiPropertyOptional() provider?: string;
  @ApiPropertyOptional() model?: string;
  @ApiProperty(MONEY) estimated!: string;
  @ApiProperty({
    ...MONEY_OR_NULL,
    description:
      'What was billed to the group: billed lines, else the costs that came with usage (per-request costs, an import\'s cost column, a manual entry\'s amount). By model and project only what can be attributed: costs that came with usage, and lines that name a project. Null when nothing billed is attributable to the group (no billed figure, which is not $0).',
  })
  reconciled!: string | null;
  @ApiProperty({ type: CostRowCountsResponse }) counts!: CostRowCountsResponse;
}

export class AdjustmentLineResponse implements AdjustmentLineDto {
  @ApiProperty({ enum: ['recompute', 'late-data'] }) kind!: 'recompute' | 'late-data';
  @ApiProperty({ type: Number, nullable: true }) costVersion!: number | null;
  @ApiProperty({ type: [String], description: 'PriceSet ids that caused the recompute.' }) causes!: string[];
  @ApiProperty({ type: String, nullable: true }) requestedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) activatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) accountId!: string | null;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty(MONEY) estimated!: string;
  @ApiProperty(MONEY) reconciled!: string;
}

export class ReportedFiguresResponse {
  @ApiProperty(MONEY) estimated!: string;
  @ApiProperty(MONEY) reconciled!: string;
  @ApiProperty({ type: CostRowCountsResponse }) counts!: CostRowCountsResponse;
}

export class MoneyPairResponse {
  @ApiProperty(MONEY) estimated!: string;
  @ApiProperty(MONEY) reconciled!: string;
}

export class PeriodCloseResponse implements PeriodCloseDto {
  @ApiProperty({ example: '2026-02' }) month!: string;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) closedAt!: string;
  @ApiProperty({ type: String, nullable: true }) closedBy!: string | null;
  @ApiProperty({ description: 'The cost version current at the close.' }) costVersion!: number;
  @ApiProperty({ type: ReportedFiguresResponse, description: 'What the month reported when it was closed: never changes.' }) reported!: ReportedFiguresResponse;
  @ApiProperty({ type: [AdjustmentLineResponse], description: 'Changes since the close, instead of rewriting it.' }) adjustments!: AdjustmentLineResponse[];
  @ApiProperty({ type: MoneyPairResponse, description: 'reported + adjustments = the current figures.' }) adjustmentTotal!: MoneyPairResponse;
}

export class UsageMonthSummaryResponse implements UsageMonthSummaryDto {
  @ApiProperty() workspaceId!: string;
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty({ description: 'The cost version these figures are from.' }) costVersion!: number;
  @ApiProperty({ description: "The workspace's current cost version." }) currentCostVersion!: number;
  @ApiProperty({ ...MONEY, description: 'Sum of the estimates (usage × price catalogue).' }) estimated!: string;
  @ApiProperty({ ...MONEY, description: 'What providers billed.' }) reconciled!: string;
  @ApiProperty({ description: 'True when some usage is unpriced: estimated is then a lower bound.' }) estimatedIsLowerBound!: boolean;
  @ApiProperty({ type: CostRowCountsResponse }) counts!: CostRowCountsResponse;
  @ApiProperty({ type: [CostBreakdownRowResponse] }) byProvider!: CostBreakdownRowResponse[];
  @ApiProperty({ type: [CostBreakdownRowResponse] }) byAccount!: CostBreakdownRowResponse[];
  @ApiProperty({ type: [CostBreakdownRowResponse] }) byModel!: CostBreakdownRowResponse[];
  @ApiProperty({ type: [CostBreakdownRowResponse] }) byProject!: CostBreakdownRowResponse[];
  @ApiProperty({ type: PeriodCloseResponse, nullable: true, description: 'Set when the month is closed: what it reported and the adjustments since.' })
  closed!: PeriodCloseResponse | null;
}

export class DailyCostPointResponse implements DailyCostPointDto {
  @ApiProperty({ example: '2026-03-05' }) day!: string;
  @ApiProperty({ type: String, nullable: true }) key!: string | null;
  @ApiPropertyOptional({ description: 'Set when grouped by model.' }) provider?: string;
  @ApiPropertyOptional({ description: 'Set when grouped by model.' }) model?: string;
  @ApiProperty(MONEY) estimated!: string;
  @ApiProperty({
    ...MONEY_OR_NULL,
    description:
      'Billed amount of the day and group (attributed as in the month summary\'s breakdowns); null when nothing billed is attributable to it: no billed figure, which is not $0.',
  })
  reconciled!: string | null;
  @ApiProperty({ type: CostRowCountsResponse }) counts!: CostRowCountsResponse;
}

export class DailyCostSeriesResponse implements DailyCostSeriesDto {
  @ApiProperty() workspaceId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: USAGE_GROUP_BYS }) groupBy!: UsageGroupBy;
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty() costVersion!: number;
  @ApiProperty({ type: [DailyCostPointResponse], description: 'One point per day and group with usage or billed cost, ordered by day then key.' }) points!: DailyCostPointResponse[];
}

export class AuditLineResponse implements AuditLineDto {
  @ApiProperty({ enum: ['usage', 'billed'] }) kind!: 'usage' | 'billed';
  @ApiProperty({ description: 'The requestType (usage) or the line item (billed).' }) line!: string;
  @ApiProperty() provider!: string;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty(MONEY_OR_NULL) estimated!: string | null;
  @ApiProperty(MONEY_OR_NULL) reconciled!: string | null;
  @ApiProperty(MONEY_OR_NULL) difference!: string | null;
  @ApiProperty({ enum: COST_STATUSES }) status!: CostStatus;
  @ApiProperty({ type: String, nullable: true, description: 'The PriceSet (price version) used for the estimate.' }) priceSetId!: string | null;
}

export class AuditCellResponse implements AuditCellDto {
  @ApiProperty() accountId!: string;
  @ApiProperty() day!: string;
  @ApiProperty(MONEY_OR_NULL) estimated!: string | null;
  @ApiProperty(MONEY_OR_NULL) reconciled!: string | null;
  @ApiProperty({ ...MONEY_OR_NULL, description: 'reconciled − estimated, when both exist.' }) difference!: string | null;
  @ApiProperty({ enum: COST_STATUSES, description: 'reconciled when billed (pending while not final), else the most urgent usage status.' }) status!: CostStatus;
  @ApiProperty({ type: CostRowCountsResponse }) counts!: CostRowCountsResponse;
  @ApiProperty({ type: [AuditLineResponse] }) lines!: AuditLineResponse[];
}

export class AuditTotalsResponse {
  @ApiProperty(MONEY) estimated!: string;
  @ApiProperty(MONEY) reconciled!: string;
  @ApiProperty({ ...MONEY, description: 'Over the cells that have both sides.' }) difference!: string;
}

export class AuditMonthResponse implements AuditMonthDto {
  @ApiProperty() workspaceId!: string;
  @ApiProperty() month!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty() costVersion!: number;
  @ApiProperty() currentCostVersion!: number;
  @ApiProperty({ type: [AuditCellResponse], description: 'One cell per account and day with usage or billed cost.' }) cells!: AuditCellResponse[];
  @ApiProperty({ type: AuditTotalsResponse }) totals!: AuditTotalsResponse;
  @ApiProperty({ type: PeriodCloseResponse, nullable: true }) closed!: PeriodCloseResponse | null;
}

export class ObservationEstimateResponse {
  @ApiProperty() costVersion!: number;
  @ApiProperty({ enum: COST_STATUSES }) status!: CostStatus;
  @ApiProperty(MONEY_OR_NULL) estimated!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The price version used (PriceSet id); see GET /prices/versions/{id}.' }) priceSetId!: string | null;
  @ApiProperty({ type: String, nullable: true }) priceEffectiveFrom!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'catalogue or override.' }) priceSource!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'provider/model the row was priced as.' }) priceIdentity!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'How the model id was matched: exact, alias, date-suffix, prefix, override…' }) match!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: 'array', items: OBJECT, description: 'Cost lines: class, quantity, unit price, amount.' }) lines!: unknown[];
  @ApiProperty({ type: 'array', items: OBJECT, description: 'Quantities without a price.' }) unpriced!: unknown[];
  @ApiProperty({ type: 'array', items: OBJECT }) flags!: unknown[];
}

export class AuditObservationResponse implements AuditObservationDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() requestType!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty() operation!: string;
  @ApiProperty() serviceTier!: string;
  @ApiProperty() contextTier!: string;
  @ApiProperty({ type: String, nullable: true }) project!: string | null;
  @ApiProperty({ description: 'usage-api, request-log, manual or import.' }) source!: string;
  @ApiProperty() observedAt!: string;
  @ApiProperty({ description: "False while the provider's data for the day may still change." }) final!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { inputUncached: 120, inputCachedRead: 0, output: 40 } }) tokens!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { requests: 2 } }) units!: Record<string, number>;
  @ApiProperty({ ...OBJECT, nullable: true, description: "The provider's own numbers, as received." }) raw!: unknown;
  @ApiProperty({ ...MONEY_OR_NULL, description: 'Billed cost the provider sent with the usage.' }) reportedCost!: string | null;
  @ApiProperty({ type: ObservationEstimateResponse, nullable: true }) estimate!: AuditObservationDto['estimate'];
}

export class AuditBilledLineResponse implements AuditBilledLineDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() lineItem!: string;
  @ApiProperty(MONEY) amount!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty() source!: string;
  @ApiProperty() observedAt!: string;
  @ApiProperty() final!: boolean;
  @ApiProperty({ ...OBJECT, nullable: true }) raw!: unknown;
}

export class AuditCellDetailResponse implements AuditCellDetailDto {
  @ApiProperty() workspaceId!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() day!: string;
  @ApiProperty() costVersion!: number;
  @ApiProperty({ type: [AuditObservationResponse] }) observations!: AuditObservationResponse[];
  @ApiProperty({ type: [AuditBilledLineResponse] }) billed!: AuditBilledLineResponse[];
}

export class UsageEventResponse extends AuditObservationResponse implements UsageEventDto {
  @ApiProperty() accountId!: string;
}

export class UsageEventsResponse implements UsageEventsPageDto {
  @ApiProperty() workspaceId!: string;
  @ApiProperty() day!: string;
  @ApiProperty({ type: String, nullable: true }) accountId!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestType!: string | null;
  @ApiProperty() costVersion!: number;
  @ApiProperty({ type: [UsageEventResponse] }) items!: UsageEventResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: a cell has few observations.' }) nextCursor!: null;
}

// ---------------------------------------------------------------------------------------------
// Cost versions and recomputes

export class CostVersionCauseResponse {
  @ApiProperty() priceSetId!: string;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: String, nullable: true }) effectiveFrom!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who set the price (user id).' }) setBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) recordedAt!: string | null;
}

export class CostDeltaRowResponse implements CostDeltaRowDto {
  @ApiProperty() month!: string;
  @ApiPropertyOptional() accountId?: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty() rows!: number;
  @ApiProperty(MONEY) before!: string;
  @ApiProperty(MONEY) after!: string;
  @ApiProperty(MONEY) delta!: string;
  @ApiProperty() becameUnpriced!: number;
  @ApiProperty() becamePriced!: number;
}

export class CostVersionResponse implements CostVersionDto {
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['running', 'active', 'superseded'] }) status!: 'running' | 'active' | 'superseded';
  @ApiProperty({ type: String, nullable: true }) recomputeId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) fromVersion!: number | null;
  @ApiProperty({ type: [CostVersionCauseResponse], description: 'The price changes that caused it: who set which price, when.' }) causes!: CostVersionCauseResponse[];
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) activatedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) rowsChanged!: number | null;
  @ApiProperty({ ...MONEY_OR_NULL, description: 'The difference it made to the estimates.' }) delta!: string | null;
}

export class CostVersionDetailResponse extends CostVersionResponse implements CostVersionDetailDto {
  @ApiProperty({ type: [CostDeltaRowResponse], description: 'The difference per month, account, provider and model.' }) deltas!: CostDeltaRowResponse[];
}

export class CostVersionListResponse implements CostVersionPageDto {
  @ApiProperty({ type: [CostVersionResponse], description: 'Newest first; version 1 (estimates as usage arrived) always exists.' }) items!: CostVersionResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: null;
}

export class RecomputeProgressResponse implements RecomputeProgressDto {
  @ApiProperty() recomputeId!: string;
  @ApiProperty() workspaceId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['queued', 'running', 'staged', 'done'], description: 'queued → running (batches) → staged (activation pending) → done (the version is current).' })
  state!: RecomputeState;
  @ApiProperty() rowsDone!: number;
  @ApiProperty() rowsTotal!: number;
  @ApiProperty() rowsChanged!: number;
  @ApiProperty({ type: String, nullable: true }) requestedBy!: string | null;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class PreviewMonthResponse {
  @ApiProperty() month!: string;
  @ApiProperty(MONEY) before!: string;
  @ApiProperty(MONEY) after!: string;
  @ApiProperty(MONEY) delta!: string;
  @ApiProperty() rows!: number;
  @ApiProperty({ description: 'The month is closed: the change would show as an adjustment line.' }) closed!: boolean;
}

export class UnaffectedVariantResponse {
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiProperty({ example: 'gpt-4o-mini-2024-07-18', description: 'The model id as usage was recorded.' }) model!: string;
  @ApiProperty({ description: 'Estimate rows (account × day × requestType) on or after effectiveFrom.' }) rows!: number;
  @ApiProperty({ ...MONEY, description: 'Their current estimate, which the change leaves as it is.' }) estimated!: string;
}

export class RecomputePreviewResponse implements RecomputePreviewDto {
  @ApiProperty() workspaceId!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty({ description: 'The version it would replace.' }) fromVersion!: number;
  @ApiProperty() rowsInScope!: number;
  @ApiProperty() rowsChanged!: number;
  @ApiProperty(MONEY) delta!: string;
  @ApiProperty({ type: [PreviewMonthResponse] }) byMonth!: PreviewMonthResponse[];
  @ApiProperty({ type: [CostDeltaRowResponse] }) byMonthAndModel!: CostDeltaRowResponse[];
  @ApiProperty({
    type: [UnaffectedVariantResponse],
    description:
      'Usage recorded under a dated or versioned variant of the changed model (gpt-4o-mini-2024-07-18, -0125, -latest for ' +
      'gpt-4o-mini; same provider) that the catalogue prices as a model of its own: the change does not reach it (each ' +
      'catalogue id has its own price), so set the price on that model too. Empty without a price change in the body.',
  })
  unaffectedVariants!: UnaffectedVariantResponse[];
}

export class StartedRecomputeResponse {
  @ApiProperty() recomputeId!: string;
  @ApiProperty({ description: 'The cost version it computes.' }) version!: number;
}

export class AppliedPriceChangeResponse implements AppliedPriceChangeDto {
  @ApiProperty({ description: 'The new price version (PriceSet id).' }) priceSetId!: string;
  @ApiProperty({ example: '1234', description: 'Event-store position: pass it as ?waitFor= on reads.' }) position!: string;
  @ApiProperty({ type: StartedRecomputeResponse, nullable: true, description: 'The recompute started; null when no recorded usage changes (or one is already running: see queuedBehind).' })
  recompute!: StartedRecomputeResponse | null;
  @ApiProperty({ type: String, nullable: true, description: 'Set when another recompute was running: this change follows it automatically.' }) queuedBehind!: string | null;
  @ApiProperty({ description: 'Estimate rows the change reprices.' }) rowsChanged!: number;
}

export class RecomputeStartedResponse implements RecomputeStartedDto {
  @ApiProperty({ type: String, nullable: true, description: 'Follow it at GET …/recomputes/{recomputeId}; null when queued behind a running one.' }) recomputeId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) version!: number | null;
  @ApiProperty({ example: '1234' }) position!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The price version set, when a price change was applied.' }) priceSetId!: string | null;
  @ApiProperty({ type: String, nullable: true }) queuedBehind!: string | null;
  @ApiProperty() rowsChanged!: number;
}

export class PeriodClosedResponse implements PeriodClosedDto {
  @ApiProperty({ example: '2026-02' }) month!: string;
  @ApiProperty({ example: '1234' }) position!: string;
  @ApiProperty({ description: 'False when it was already closed (closing again is a no-op).' }) closedNow!: boolean;
}

// ---------------------------------------------------------------------------------------------
// Prices

export class PriceVersionResponse implements PriceVersionDto {
  @ApiProperty({ description: 'The PriceSet id: what estimates record as their price version.' }) priceSetId!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ example: '1970-01-01' }) effectiveFrom!: string;
  @ApiProperty({ enum: ['catalogue', 'override'] }) source!: PriceSourceDto;
  @ApiProperty({ enum: ['catalogue', 'instance', 'workspace'] }) scope!: PriceScopeDto;
  @ApiProperty({ type: String, nullable: true }) catalogueKey!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who set it (user id); null for the shipped catalogue.' }) setBy!: string | null;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: String, nullable: true }) supersedes!: string | null;
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty({ type: PriceSheetBody }) prices!: PriceSheetDto;
  @ApiProperty({ example: '1234' }) position!: string;
}

export class PriceEntryResponse extends PriceVersionResponse implements PriceEntryDto {
  @ApiProperty({ description: 'How many versions the model has in this view.' }) versions!: number;
}

export class PriceSearchResponse implements PriceSearchResultDto {
  @ApiProperty({ type: [PriceEntryResponse] }) items!: PriceEntryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class PriceHistoryResponse implements PriceHistoryDto {
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: [PriceVersionResponse], description: 'Oldest first (log order).' }) versions!: PriceVersionResponse[];
}
