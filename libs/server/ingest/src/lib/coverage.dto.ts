import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { TokenCountsDto, UnitCountsDto } from './dto';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class CoverageQuery {
  @ApiProperty({ example: '2026-03-01', description: 'First UTC day (inclusive).' })
  @Matches(DAY, { message: 'from must be a day written YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-03-31', description: 'Last UTC day (inclusive); at most 366 days after from.' })
  @Matches(DAY, { message: 'to must be a day written YYYY-MM-DD' })
  to!: string;

  @ApiPropertyOptional({ description: 'Only this account.' })
  @IsOptional()
  @IsUUID('all', { message: 'accountId must be an account id' })
  accountId?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200, description: 'Account-days per page (each has one row per kind of usage).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(200, { message: 'limit must be at most 200' })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Event-store position to wait for (read-your-writes).' })
  @IsOptional()
  @IsString()
  waitFor?: string;
}

export class CoverageSideDto {
  @ApiProperty({ type: TokenCountsDto }) tokens!: TokenCountsDto;
  @ApiProperty({ type: UnitCountsDto }) units!: UnitCountsDto;
  @ApiProperty({ description: 'Sum of the token classes.' }) totalTokens!: number;
  @ApiProperty({ nullable: true, type: String, example: '1.254', description: 'Estimated cost (decimal string, USD) at the current prices; null when nothing of it has a price.' })
  cost!: string | null;
  @ApiProperty({ description: 'Some usage has no price: cost is the priced part, a lower bound.' }) partlyUnpriced!: boolean;
}

export class CoverageGapDto {
  @ApiProperty({ type: TokenCountsDto, description: 'Official − logged per token class: positive = seen by the provider but not logged.' }) tokens!: TokenCountsDto;
  @ApiProperty({ type: UnitCountsDto }) units!: UnitCountsDto;
  @ApiProperty() totalTokens!: number;
  @ApiProperty({ nullable: true, type: String, example: '0.31', description: 'Official − logged estimated cost (decimal string); null when a side has no price at all.' })
  cost!: string | null;
}

export class CoverageRowDto {
  @ApiProperty() accountId!: string;
  @ApiProperty({ example: '2026-03-05' }) day!: string;
  @ApiProperty({ example: 'openai|gpt-4o-mini|chat/completions', description: 'The kind of usage: the requestType without the project (the usage API reports per project, request logs usually not).' })
  requestKind!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty() operation!: string;
  @ApiProperty() serviceTier!: string;
  @ApiProperty() contextTier!: string;
  @ApiProperty({ enum: ['covered', 'not-logged', 'not-seen', 'mixed'], description: 'not-logged: the provider saw usage nobody logged; not-seen: logged usage the provider did not report; mixed: both.' })
  status!: string;
  @ApiProperty({ type: CoverageSideDto, description: "The provider's usage API (authoritative: these are the totals)." }) official!: CoverageSideDto;
  @ApiProperty({ type: CoverageSideDto, description: 'Request logs (POST /ingest/usage), not counted in totals on this day.' }) logged!: CoverageSideDto;
  @ApiProperty({ type: CoverageGapDto }) gap!: CoverageGapDto;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
}

export class CoveragePageDto {
  @ApiProperty({ type: [CoverageRowDto] }) items!: CoverageRowDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
