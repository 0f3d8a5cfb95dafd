import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PROVIDERS, type ConnectAccountRequest, type CreateIngestKeyRequest, type ProviderId, type UpdateAccountRequest } from '@act/contracts';

const MONEY = /^\d{1,12}(\.\d{1,6})?$/;
const MONEY_MESSAGE = 'monthlyBudget must be a decimal amount in USD like "250.00"';

export class ConnectAccountBody implements ConnectAccountRequest {
  @ApiProperty({ enum: PROVIDERS })
  @IsIn(PROVIDERS, { message: `provider must be one of ${PROVIDERS.join(', ')}` })
  provider!: ProviderId;

  @ApiProperty({ example: 'OpenAI production' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiPropertyOptional({ description: 'Admin / management key. Stored encrypted; never returned.', writeOnly: true })
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'credentials look too short to be an API key' })
  @MaxLength(4096)
  credentials?: string;

  @ApiPropertyOptional({ example: 'https://gateway.example.com/v1' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  baseUrl?: string;

  @ApiPropertyOptional({ example: '250.00' })
  @IsOptional()
  @IsString()
  @Matches(MONEY, { message: MONEY_MESSAGE })
  monthlyBudget?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  syncEnabled?: boolean;
}

export class UpdateAccountBody implements UpdateAccountRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ description: 'New credentials (rotation). Stored encrypted; never returned.', writeOnly: true })
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'credentials look too short to be an API key' })
  @MaxLength(4096)
  credentials?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(500)
  baseUrl?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '250.00' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(MONEY, { message: MONEY_MESSAGE })
  monthlyBudget?: string | null;

  @ApiPropertyOptional({ description: 'false pauses sync, true resumes it.' })
  @IsOptional()
  @IsBoolean()
  syncEnabled?: boolean;
}

export class CreateIngestKeyBody implements CreateIngestKeyRequest {
  @ApiProperty()
  @IsUUID('all', { message: 'accountId must be the id of an account of this workspace' })
  accountId!: string;

  @ApiProperty({ example: 'backend-prod' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}
