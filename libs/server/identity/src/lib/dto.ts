import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, isEmail, Max, MaxLength, Min, MinLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@act/domain/identity';
import type { CreateInvitationRequest, LoginRequest, RegisterRequest, WorkspaceNameRequest, ChangeRoleRequest } from '@act/contracts';

/**
 * class-validator's IsEmail, except that text with a lone UTF-16 surrogate is simply not an address: the
 * library's byte-length check calls encodeURI, which throws on it, and the request ended in a 500.
 */
function IsEmailAddress(options: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isEmail', validator: { validate: (value: unknown) => typeof value === 'string' && !LONE_SURROGATE.test(value) && isEmail(value) } }, options);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export class RegisterBody implements RegisterRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmailAddress({ message: 'email must be an e-mail address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, { message: `password must have at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;

  @ApiPropertyOptional({ example: 'Ada' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ description: 'Join the inviting workspace instead of getting a new one.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  invitationToken?: string;
}

export class LoginBody implements LoginRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}

export class WorkspaceNameBody implements WorkspaceNameRequest {
  @ApiProperty({ example: 'Platform team' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class ChangeRoleBody implements ChangeRoleRequest {
  @ApiProperty({ enum: ['owner', 'admin', 'member', 'viewer'] })
  @IsIn(['owner', 'admin', 'member', 'viewer'], { message: 'role must be one of owner, admin, member, viewer' })
  role!: 'owner' | 'admin' | 'member' | 'viewer';
}

export class CreateInvitationBody implements CreateInvitationRequest {
  @ApiProperty({ example: 'grace@example.com' })
  @IsEmailAddress({ message: 'email must be an e-mail address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: ['admin', 'member', 'viewer'] })
  @IsIn(['admin', 'member', 'viewer'], { message: 'role must be one of admin, member, viewer' })
  role!: 'admin' | 'member' | 'viewer';
}

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Event-store position to wait for (read-your-writes).' })
  @IsOptional()
  @IsString()
  waitFor?: string;
}
