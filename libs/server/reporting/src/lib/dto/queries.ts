import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { USAGE_EXPORT_FORMATS, USAGE_GROUP_BYS, type UsageExportFormat, type UsageGroupBy } from '@act/contracts';
import { isCalendarDay } from '@act/domain/usage';

/*
 * Query and body shapes of the reporting endpoints, validated by the global ValidationPipe
 * (whitelist + forbidNonWhitelisted): a wrong value is a 400 problem+json whose `errors` name
 * the parameter and say what to send instead.
 */

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** A non-negative decimal in plain or exponent notation, as prices are written (`0.00000015`, `1.5e-7`). */
const PRICE_PATTERN = /^(\d{1,12}(\.\d{1,40})?|\d(\.\d{1,40})?e-\d{1,2})$/i;
const PRICES_MESSAGE = 'prices must be an object of unit prices in USD, e.g. {"input": "0.00000015", "output": "0.0000006"}';
const PRICE_MESSAGE = (path: string) => `${path} must be a price in USD per unit written as a decimal string, like "0.00000015"`;

/** A calendar day written YYYY-MM-DD (2026-02-30 is refused). */
export function IsDay(name: string, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isDay',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && DAY_PATTERN.test(value) && isCalendarDay(value),
        defaultMessage: () => `${name} must be a calendar day written YYYY-MM-DD (UTC), e.g. 2026-03-05`,
      },
    },
    options,
  );
}

export function IsMonth(name: string, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isMonth',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && MONTH_PATTERN.test(value),
        defaultMessage: () => `${name} must be a month written YYYY-MM, e.g. 2026-03`,
      },
    },
    options,
  );
}

/** Every read accepts `?waitFor=<position>` (read-your-writes; checked by the platform's interceptor). */
export class ReadQuery {
  @ApiPropertyOptional({ description: 'Event-store position a write answered: the read waits (bounded) until read models include it.', example: '1234' })
  @IsOptional()
  @IsString()
  waitFor?: string;
}

export class VersionedQuery extends ReadQuery {
  @ApiPropertyOptional({ description: 'Cost version to read (default: the current one). Earlier versions stay queryable after a recompute.', minimum: 1, example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'version must be a cost version number (1, 2, …), see GET …/cost-versions' })
  @Min(1, { message: 'version must be a cost version number (1, 2, …), see GET …/cost-versions' })
  version?: number;
}

export class MonthQuery extends VersionedQuery {
  @ApiProperty({ example: '2026-03', description: 'The UTC month, YYYY-MM.' })
  @IsMonth('month')
  month!: string;
}

export class DailySeriesQuery extends VersionedQuery {
  @ApiProperty({ example: '2026-03-01', description: 'First UTC day, inclusive.' })
  @IsDay('from')
  from!: string;

  @ApiProperty({ example: '2026-03-31', description: 'Last UTC day, inclusive; at most 400 days after from.' })
  @IsDay('to')
  to!: string;

  @ApiPropertyOptional({ enum: USAGE_GROUP_BYS, default: 'provider' })
  @IsOptional()
  @IsIn(USAGE_GROUP_BYS as unknown as string[], { message: `groupBy must be one of ${USAGE_GROUP_BYS.join(', ')}` })
  groupBy?: UsageGroupBy;
}

export class UsageEventsQuery extends VersionedQuery {
  @ApiProperty({ example: '2026-03-05', description: 'The UTC day of the cell.' })
  @IsDay('day')
  day!: string;

  @ApiPropertyOptional({ description: 'The account of the cell; every account of the workspace when left out.' })
  @IsOptional()
  @IsUUID('all', { message: 'accountId must be the id of an account of this workspace' })
  accountId?: string;

  @ApiPropertyOptional({ example: 'openai|gpt-4o-mini|chat/completions', description: 'Only this requestType (provider|model|operation[|tier…]).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  requestType?: string;
}

export class AuditCellQuery extends VersionedQuery {
  @ApiProperty({ description: 'The account of the cell.' })
  @IsUUID('all', { message: 'accountId must be the id of an account of this workspace' })
  accountId!: string;

  @ApiProperty({ example: '2026-03-05', description: 'The UTC day of the cell.' })
  @IsDay('day')
  day!: string;
}

export const EXPORT_FORMATS = USAGE_EXPORT_FORMATS;
export type ExportFormat = UsageExportFormat;

export class ExportQuery extends VersionedQuery {
  @ApiProperty({ enum: EXPORT_FORMATS, description: 'csv and json: our columns; focus: FOCUS 1.2 Cost and Usage columns as CSV.' })
  @IsIn(EXPORT_FORMATS as unknown as string[], { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format!: ExportFormat;

  @ApiProperty({ example: '2026-01-01', description: 'First UTC day, inclusive.' })
  @IsDay('from')
  from!: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last UTC day, inclusive; at most 400 days after from.' })
  @IsDay('to')
  to!: string;

  @ApiPropertyOptional({ description: 'Only this account.' })
  @IsOptional()
  @IsUUID('all', { message: 'accountId must be the id of an account of this workspace' })
  accountId?: string;
}

export class PriceSearchQuery extends ReadQuery {
  @ApiPropertyOptional({ example: 'openai', description: 'Exact provider as priced.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  provider?: string;

  @ApiPropertyOptional({ example: 'gpt-4o-mini', description: 'Exact model as priced.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  model?: string;

  @ApiPropertyOptional({ example: 'haiku', description: 'Substring of provider, model or catalogue key, case-insensitive.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: '2026-03-05', description: 'The day the prices should be in force on (default: today, UTC).' })
  @IsOptional()
  @IsDay('day')
  day?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number from 1 to 500' })
  @Min(1, { message: 'limit must be a whole number from 1 to 500' })
  @Max(500, { message: 'limit must be a whole number from 1 to 500' })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @ApiPropertyOptional({
    description: "A workspace the caller belongs to: its own overrides are shown too (they take precedence). 404 if the caller is not a member.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  workspace?: string;
}

export class PriceWorkspaceQuery extends ReadQuery {
  @ApiPropertyOptional({ description: "A workspace the caller belongs to: its own overrides are listed too. 404 if the caller is not a member." })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  workspace?: string;
}

// ---------------------------------------------------------------------------------------------
// Price sheets (the body of an override and of a recompute preview).

function Price(path: string) {
  return function (target: object, key: string) {
    ApiPropertyOptional({ example: '0.00000015', description: 'USD per unit (per token for token classes).' })(target, key);
    IsOptional()(target, key);
    IsString({ message: PRICE_MESSAGE(`${path}.${key}`) })(target, key);
    Matches(PRICE_PATTERN, { message: PRICE_MESSAGE(`${path}.${key}`) })(target, key);
  };
}

export class TokenPricesBody {
  @Price('prices') input?: string;
  @Price('prices') output?: string;
  @Price('prices') cacheRead?: string;
  @Price('prices') cacheWrite5m?: string;
  @Price('prices') cacheWrite1h?: string;
  @Price('prices') reasoning?: string;
}

export class LongContextPricesBody extends TokenPricesBody {
  @ApiProperty({ example: 200000, description: 'Input tokens above which the long-context prices apply.' })
  @Type(() => Number)
  @IsInt({ message: 'prices.longContext.thresholdTokens must be a whole number of tokens' })
  @Min(1, { message: 'prices.longContext.thresholdTokens must be at least 1' })
  thresholdTokens!: number;

  @ApiPropertyOptional({ type: TokenPricesBody }) @IsOptional() @ValidateNested() @Type(() => TokenPricesBody) batch?: TokenPricesBody;
  @ApiPropertyOptional({ type: TokenPricesBody }) @IsOptional() @ValidateNested() @Type(() => TokenPricesBody) priority?: TokenPricesBody;
  @ApiPropertyOptional({ type: TokenPricesBody }) @IsOptional() @ValidateNested() @Type(() => TokenPricesBody) flex?: TokenPricesBody;
}

export class SearchContextPricesBody {
  @Price('prices.searchContextPerQuery') low?: string;
  @Price('prices.searchContextPerQuery') medium?: string;
  @Price('prices.searchContextPerQuery') high?: string;
}

export class PriceSheetBody extends TokenPricesBody {
  @ApiPropertyOptional({ type: TokenPricesBody, description: 'Batch-tier prices.' }) @IsOptional() @ValidateNested() @Type(() => TokenPricesBody) batch?: TokenPricesBody;
  @ApiPropertyOptional({ type: TokenPricesBody, description: 'Priority-tier prices.' }) @IsOptional() @ValidateNested() @Type(() => TokenPricesBody) priority?: TokenPricesBody;
  @ApiPropertyOptional({ type: TokenPricesBody, description: 'Flex-tier prices.' }) @IsOptional() @ValidateNested() @Type(() => TokenPricesBody) flex?: TokenPricesBody;
  @ApiPropertyOptional({ type: LongContextPricesBody }) @IsOptional() @ValidateNested() @Type(() => LongContextPricesBody) longContext?: LongContextPricesBody;
  @Price('prices') perRequest?: string;
  @ApiPropertyOptional({ type: SearchContextPricesBody }) @IsOptional() @ValidateNested() @Type(() => SearchContextPricesBody) searchContextPerQuery?: SearchContextPricesBody;
  @Price('prices') perImage?: string;
  @Price('prices') perAudioSecond?: string;
  @Price('prices') perCharacter?: string;
}

export const PRICE_SCOPES = ['workspace', 'instance'] as const;

/** A price change: an override of one model's prices from a day on. */
export class PriceChangeBody {
  @ApiProperty({ example: 'openai', description: 'The provider as priced (see GET /prices).' })
  @IsString({ message: 'provider must be a provider id such as openai' })
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'provider must be a provider id such as openai (lower case letters, digits, . _ -)' })
  provider!: string;

  @ApiProperty({ example: 'gpt-4o-mini', description: 'The model as priced (see GET /prices); dated ids resolve to it.' })
  @IsString({ message: 'model must be a model id such as gpt-4o-mini' })
  @MinLength(1, { message: 'model must be a model id such as gpt-4o-mini' })
  @MaxLength(300)
  model!: string;

  @ApiProperty({ type: PriceSheetBody, description: 'Unit prices in USD; a class left out has no known price (never 0).' })
  @IsObject({ message: PRICES_MESSAGE })
  @ValidateNested()
  @Type(() => PriceSheetBody)
  prices!: PriceSheetBody;

  @ApiProperty({ example: '2026-03-01', description: 'First UTC day the prices apply to. A past day reprices recorded usage into a new cost version.' })
  @IsDay('effectiveFrom')
  effectiveFrom!: string;

  @ApiPropertyOptional({ enum: PRICE_SCOPES, default: 'workspace', description: 'instance: for every workspace (instance administrators only).' })
  @IsOptional()
  @IsIn(PRICE_SCOPES as unknown as string[], { message: 'scope must be workspace or instance' })
  scope?: (typeof PRICE_SCOPES)[number];
}

const hasChange = (o: Partial<PriceChangeBody>) =>
  o.provider !== undefined || o.model !== undefined || o.prices !== undefined || o.effectiveFrom !== undefined || o.scope !== undefined;

/** Either a whole price change or nothing (then the pending catalogue and instance changes are previewed/applied). */
export class RecomputeBody {
  @ApiPropertyOptional({ example: 'openai' })
  @ValidateIf(hasChange)
  @IsString({ message: 'provider must be a provider id such as openai' })
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'provider must be a provider id such as openai (lower case letters, digits, . _ -)' })
  provider?: string;

  @ApiPropertyOptional({ example: 'gpt-4o-mini' })
  @ValidateIf(hasChange)
  @IsString({ message: 'model must be a model id such as gpt-4o-mini' })
  @MinLength(1, { message: 'model must be a model id such as gpt-4o-mini' })
  @MaxLength(300)
  model?: string;

  @ApiPropertyOptional({ type: PriceSheetBody })
  @ValidateIf(hasChange)
  @IsObject({ message: PRICES_MESSAGE })
  @ValidateNested()
  @Type(() => PriceSheetBody)
  prices?: PriceSheetBody;

  @ApiPropertyOptional({ example: '2026-03-01' })
  @ValidateIf(hasChange)
  @IsDay('effectiveFrom')
  effectiveFrom?: string;

  @ApiPropertyOptional({ enum: PRICE_SCOPES, default: 'workspace' })
  @IsOptional()
  @IsIn(PRICE_SCOPES as unknown as string[], { message: 'scope must be workspace or instance' })
  scope?: (typeof PRICE_SCOPES)[number];
}

export class RecomputeQuery {
  @ApiProperty({ enum: ['true', 'false'], description: 'true: preview only, nothing is written; false: apply (set the price, start the recompute).' })
  @IsIn(['true', 'false'], { message: 'dryRun must be true (preview, nothing written) or false (apply)' })
  dryRun!: 'true' | 'false';
}
