import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { CONTEXT_TIERS, OPERATIONS, SERVICE_TIERS } from '@act/domain/usage';
import { REQUEST_OPERATIONS, REQUEST_USAGE_PROVIDERS } from '@act/domain/request-usage';
import { IMPORT_FORMATS } from './csv-import';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const AMOUNT = /^\d{1,15}(\.\d{1,12})?$/;
const AMOUNT_MESSAGE = 'amount must be a decimal amount in USD of at least 0, like "20.00" (up to 12 decimals)';

// ---------------------------------------------------------------------------------------------
// POST /ingest/usage (documented only: the body is validated record by record by the service,
// so that one bad record does not reject the others).

export class IngestRecordDto {
  @ApiProperty({ description: "Your id for the request, unique per account: the provider's response id is a good choice. A re-sent id is counted once.", example: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', maxLength: 200 })
  requestId!: string;

  @ApiProperty({ enum: REQUEST_USAGE_PROVIDERS, description: "Whose usage object `usage` is. Must fit the key's account: its own provider (Azure OpenAI also takes `openai`, Bedrock `anthropic`/`openai`, custom any)." })
  provider!: string;

  @ApiProperty({ example: 'gpt-4o-mini-2024-07-18', description: "The model id as the provider's response named it." })
  model!: string;

  @ApiProperty({ oneOf: [{ type: 'string', format: 'date-time' }, { type: 'number' }], example: '2026-03-05T14:07:12Z', description: 'When the request was made: ISO 8601 with Z or an offset, or Unix seconds. Counted on its UTC day.' })
  timestamp!: string | number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "The provider's native usage object as returned: OpenAI chat/Responses `usage`, Anthropic Messages `usage`, OpenRouter `usage` (with `cost`), Groq, Mistral, DeepSeek, Gemini `usageMetadata`, Perplexity `usage` (with `cost`), xAI `usage` (with `cost_in_usd_ticks`).",
    example: { prompt_tokens: 2006, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 192 } },
  })
  usage!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Project the request belongs to: part of the ledger key (totals per project).', maxLength: 200 })
  project?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Up to 20 string tags, kept with the request for the audit trail (not part of the totals).' })
  tags?: Record<string, string>;

  @ApiPropertyOptional({ enum: REQUEST_OPERATIONS, default: 'chat/completions' })
  operation?: string;

  @ApiPropertyOptional({ enum: ['standard', 'default', 'auto', 'batch', 'priority', 'flex'], description: "The service tier as the provider's response named it (OpenAI `service_tier`). Default standard." })
  serviceTier?: string;

  @ApiPropertyOptional({ enum: CONTEXT_TIERS, description: 'Overrides the long-context tier, which is otherwise decided from the input size for models that have one.' })
  contextTier?: string;
}

export class IngestUsageBody {
  @ApiProperty({ type: [IngestRecordDto], minItems: 1, maxItems: 1000 })
  records!: IngestRecordDto[];
}

export class ProblemEntryDto {
  @ApiProperty({ example: 'records[3].usage.prompt_tokens' })
  path!: string;

  @ApiProperty()
  message!: string;
}

export class IngestConflictDto {
  @ApiProperty()
  index!: number;

  @ApiProperty()
  requestId!: string;
}

export class IngestUsageResponseDto {
  @ApiProperty({ description: 'Records stored now and counted in their day total.' })
  accepted!: number;

  @ApiProperty({ description: 'Records whose requestId this account already sent (or sent twice in the batch): counted once.' })
  duplicates!: number;

  @ApiProperty({ type: [IngestConflictDto], description: 'Duplicates whose usage differs from the stored one (the first one sent counts).' })
  conflicts!: IngestConflictDto[];

  @ApiProperty({ description: 'Invalid records: nothing of them was stored; see errors.' })
  rejected!: number;

  @ApiProperty({ type: [ProblemEntryDto] })
  errors!: ProblemEntryDto[];

  @ApiProperty({ example: '1234', description: 'Event-store position of the day totals: pass it as ?waitFor= on reads.' })
  position!: string;

  @ApiProperty({ description: 'Day totals that could not be recorded now and that the background sweep records (normally 0).' })
  pendingKeys!: number;
}

// ---------------------------------------------------------------------------------------------
// Manual entries.

export class TokenCountsBody {
  @ApiPropertyOptional({ description: 'Input at the plain input price (cached input excluded).' }) @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) inputUncached?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) inputCachedRead?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) cacheWrite5m?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) cacheWrite1h?: number;
  @ApiPropertyOptional({ description: 'Visible output (reasoning excluded).' }) @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) output?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) reasoning?: number;
}

export class UnitCountsBody {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) requests?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) images?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) audioSeconds?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) characters?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) searchQueries?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) webSearchCalls?: number;
}

export class CreateManualEntryBody {
  @ApiProperty({ description: 'An account of this workspace (not disconnected); its provider is the entry’s provider.' })
  @IsUUID('all', { message: 'accountId must be the id of an account of this workspace' })
  accountId!: string;

  @ApiProperty({ example: '2026-03-01', description: 'The UTC day the usage or cost belongs to (not in the future).' })
  @IsString()
  @Matches(DAY, { message: 'day must be a UTC day written YYYY-MM-DD' })
  day!: string;

  @ApiProperty({ example: 'llama-3.1-70b-instruct', description: 'The model (or product, e.g. a seat subscription) the entry is for.' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  model!: string;

  @ApiPropertyOptional({ enum: OPERATIONS, default: 'chat/completions' })
  @IsOptional()
  @IsIn(OPERATIONS as unknown as string[])
  operation?: string;

  @ApiPropertyOptional({ enum: SERVICE_TIERS, default: 'standard' })
  @IsOptional()
  @IsIn(SERVICE_TIERS as unknown as string[])
  serviceTier?: string;

  @ApiPropertyOptional({ enum: CONTEXT_TIERS, default: 'standard' })
  @IsOptional()
  @IsIn(CONTEXT_TIERS as unknown as string[])
  contextTier?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  project?: string;

  @ApiPropertyOptional({ type: TokenCountsBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => TokenCountsBody)
  tokens?: TokenCountsBody;

  @ApiPropertyOptional({ type: UnitCountsBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => UnitCountsBody)
  units?: UnitCountsBody;

  @ApiPropertyOptional({ example: '19.00', description: 'What this usage cost (a subscription, an invoice line): decimal string in USD.' })
  @IsOptional()
  @IsString()
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  amount?: string;

  @ApiPropertyOptional({ enum: ['USD'], default: 'USD' })
  @IsOptional()
  @IsIn(['USD'], { message: 'currency must be "USD", the only currency supported so far' })
  currency?: string;
}

export class UpdateManualEntryBody {
  @ApiPropertyOptional({ type: TokenCountsBody, description: 'The classes given replace the entry’s; the others stay.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TokenCountsBody)
  tokens?: TokenCountsBody;

  @ApiPropertyOptional({ type: UnitCountsBody, description: 'The units given replace the entry’s; the others stay.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => UnitCountsBody)
  units?: UnitCountsBody;

  @ApiPropertyOptional({ example: '19.00', nullable: true, description: 'New amount; null removes it.' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  amount?: string | null;

  @ApiPropertyOptional({ enum: ['USD'], default: 'USD' })
  @IsOptional()
  @IsIn(['USD'], { message: 'currency must be "USD", the only currency supported so far' })
  currency?: string;
}

export class ManualEntriesQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'accountId must be an account id' }) accountId?: string;
  @ApiPropertyOptional({ example: '2026-03-01' }) @IsOptional() @Matches(DAY, { message: 'from must be a day written YYYY-MM-DD' }) from?: string;
  @ApiPropertyOptional({ example: '2026-03-31' }) @IsOptional() @Matches(DAY, { message: 'to must be a day written YYYY-MM-DD' }) to?: string;
  @ApiPropertyOptional({ default: 100, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) cursor?: string;
  @ApiPropertyOptional({ description: 'Event-store position to wait for (read-your-writes).' }) @IsOptional() @IsString() waitFor?: string;
}

export class TokenCountsDto {
  @ApiProperty() inputUncached!: number;
  @ApiProperty() inputCachedRead!: number;
  @ApiProperty() cacheWrite5m!: number;
  @ApiProperty() cacheWrite1h!: number;
  @ApiProperty() output!: number;
  @ApiProperty() reasoning!: number;
}

export class UnitCountsDto {
  @ApiProperty() requests!: number;
  @ApiProperty() images!: number;
  @ApiProperty() audioSeconds!: number;
  @ApiProperty() characters!: number;
  @ApiProperty() searchQueries!: number;
  @ApiProperty() webSearchCalls!: number;
}

export class ManualEntryDto {
  @ApiProperty({ description: 'Stable id of the entry: one per account, day and requestType.' }) id!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() provider!: string;
  @ApiProperty({ example: '2026-03-01' }) day!: string;
  @ApiProperty() model!: string;
  @ApiProperty() operation!: string;
  @ApiProperty() serviceTier!: string;
  @ApiProperty() contextTier!: string;
  @ApiProperty({ nullable: true, type: String }) project!: string | null;
  @ApiProperty({ description: 'The ledger key the entry is recorded under.' }) requestType!: string;
  @ApiProperty({ type: TokenCountsDto }) tokens!: TokenCountsDto;
  @ApiProperty({ type: UnitCountsDto }) units!: UnitCountsDto;
  @ApiProperty({ nullable: true, type: String, example: '19' }) amount!: string | null;
  @ApiProperty({ enum: ['USD'] }) currency!: 'USD';
  @ApiProperty({ description: 'When the current version was recorded.' }) recordedAt!: string;
}

export class ManualEntryWriteDto extends ManualEntryDto {
  @ApiProperty({ example: '1234' }) position!: string;
}

export class ManualEntryPageDto {
  @ApiProperty({ type: [ManualEntryDto] }) items!: ManualEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class WritePositionDto {
  @ApiProperty({ example: '1234' }) position!: string;
}

// ---------------------------------------------------------------------------------------------
// CSV import.

export class ImportQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'true: validate and report what would change, write nothing.' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dryRun must be true or false' })
  dryRun?: string;

  @ApiPropertyOptional({
    enum: ['auto', ...IMPORT_FORMATS],
    default: 'auto',
    description: 'The file layout; auto recognizes it from the header. openai-usage / openai-costs: the OpenAI usage page\'s exports (completions activity; costs).',
  })
  @IsOptional()
  @IsIn(['auto', ...IMPORT_FORMATS], { message: `format must be one of auto, ${IMPORT_FORMATS.join(', ')}` })
  format?: string;

  @ApiPropertyOptional({ description: 'For the Azure, AWS and OpenAI exports, which carry no account of ours: the account their rows are recorded for (an OpenAI account for the OpenAI exports).' })
  @IsOptional()
  @IsUUID('all', { message: 'accountId must be an account id' })
  accountId?: string;
}

export class ImportProblemDto {
  @ApiProperty({ description: 'Line of the file (1 = the header).' }) line!: number;
  @ApiProperty({ nullable: true, type: String, description: 'The column, when the problem is in one.' }) column!: string | null;
  @ApiProperty() message!: string;
}

export class ImportRowsDto {
  @ApiProperty({ description: 'Data rows read (the header excluded).' }) read!: number;
  @ApiProperty() valid!: number;
  @ApiProperty() invalid!: number;
}

export class ImportObservationsDto {
  @ApiProperty({ description: 'Keys (account, day, requestType) that had no observation.' }) created!: number;
  @ApiProperty({ description: 'Keys whose current observation has other numbers (it is replaced: latest wins).' }) changed!: number;
  @ApiProperty({ description: 'Keys that already hold exactly these numbers: nothing is written for them.' }) unchanged!: number;
}

export class ImportReportDto {
  @ApiProperty({ nullable: true, type: String, description: 'Id of the applied import (null for a dry run or a refused file).' }) importId!: string | null;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ description: 'Whether the observations were recorded: only when not a dry run and the whole file is valid.' }) applied!: boolean;
  @ApiProperty({ enum: IMPORT_FORMATS }) format!: string;
  @ApiProperty({ description: 'SHA-256 of the file as received.' }) fileSha256!: string;
  @ApiProperty({ type: ImportRowsDto }) rows!: ImportRowsDto;
  @ApiProperty({ type: ImportObservationsDto }) observations!: ImportObservationsDto;
  @ApiProperty({ type: [ImportProblemDto], description: 'Every problem, by line (at most 1,000 listed: see problemCount).' }) problems!: ImportProblemDto[];
  @ApiProperty({ description: 'How many problems the file has in all; more than `problems` lists when the file has over 1,000.' }) problemCount!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Event-store position after the import (pass as ?waitFor=).' }) position!: string | null;
}
