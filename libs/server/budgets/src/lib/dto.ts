import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ALERT_KINDS, ALERT_SEVERITIES, BUDGET_SCOPE_KINDS, CHANNEL_KINDS, type AlertKind, type AlertSeverity, type BudgetScopeKind, type ChannelKind } from '@act/domain/budgets';

const MONEY = /^\d{1,12}(\.\d{1,6})?$/;
const MONEY_MESSAGE = 'amount must be a decimal amount in USD above 0, like "500.00" (up to 6 decimals)';
const THRESHOLDS_MESSAGE = 'thresholds must be 1 to 10 whole percentages from 1 to 1000, like [50, 80, 100]';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Every query DTO accepts the platform's `?waitFor=` (validated by its interceptor). */
class WaitForQuery {
  @ApiPropertyOptional({ description: 'Event-store position to wait for (read-your-writes).' })
  @IsOptional()
  @IsString()
  waitFor?: string;
}

// ---------------------------------------------------------------------------------------------
// Budgets

export class BudgetScopeBody {
  @ApiProperty({ enum: BUDGET_SCOPE_KINDS, example: 'provider' })
  @IsIn(BUDGET_SCOPE_KINDS, { message: `scope.kind must be one of ${BUDGET_SCOPE_KINDS.join(', ')}` })
  kind!: BudgetScopeKind;

  @ApiPropertyOptional({
    nullable: true,
    example: 'openai',
    description: 'The provider id, the account id, the model as "provider/model" (e.g. "openai/gpt-4o") or the project name; omitted for the workspace.',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  key?: string | null;
}

export class CreateBudgetBody {
  @ApiPropertyOptional({ example: 'OpenAI this month', description: 'Default: named after the scope.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiProperty({ type: BudgetScopeBody })
  @ValidateNested()
  @Type(() => BudgetScopeBody)
  scope!: BudgetScopeBody;

  @ApiProperty({ example: '500.00', description: 'Monthly amount in USD, decimal text.' })
  @IsString({ message: MONEY_MESSAGE })
  @Matches(MONEY, { message: MONEY_MESSAGE })
  amount!: string;

  @ApiPropertyOptional({ type: [Number], example: [50, 80, 100], description: 'Percentages of the amount that raise an alert. Default 50, 80, 100.' })
  @IsOptional()
  @IsArray({ message: THRESHOLDS_MESSAGE })
  @ArrayMinSize(1, { message: THRESHOLDS_MESSAGE })
  @ArrayMaxSize(10, { message: THRESHOLDS_MESSAGE })
  @IsInt({ each: true, message: THRESHOLDS_MESSAGE })
  @Min(1, { each: true, message: THRESHOLDS_MESSAGE })
  @Max(1000, { each: true, message: THRESHOLDS_MESSAGE })
  thresholds?: number[];
}

export class UpdateBudgetBody {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ example: '750.00' })
  @IsOptional()
  @IsString({ message: MONEY_MESSAGE })
  @Matches(MONEY, { message: MONEY_MESSAGE })
  amount?: string;

  @ApiPropertyOptional({ type: [Number], example: [80, 100] })
  @IsOptional()
  @IsArray({ message: THRESHOLDS_MESSAGE })
  @ArrayMinSize(1, { message: THRESHOLDS_MESSAGE })
  @ArrayMaxSize(10, { message: THRESHOLDS_MESSAGE })
  @IsInt({ each: true, message: THRESHOLDS_MESSAGE })
  @Min(1, { each: true, message: THRESHOLDS_MESSAGE })
  @Max(1000, { each: true, message: THRESHOLDS_MESSAGE })
  thresholds?: number[];
}

export class BudgetScopeDto {
  @ApiProperty({ enum: BUDGET_SCOPE_KINDS }) kind!: BudgetScopeKind;
  @ApiProperty({ nullable: true, type: String }) key!: string | null;
  @ApiProperty({ description: 'For people: the account name, the model, the project…' }) label!: string;
}

export class BudgetDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: BudgetScopeDto }) scope!: BudgetScopeDto;
  @ApiProperty({ example: '500' }) amount!: string;
  @ApiProperty({ example: 'USD' }) currency!: 'USD';
  @ApiProperty({ type: [Number] }) thresholds!: number[];
  @ApiProperty({ example: '2026-03', description: 'The month `spent` is for (the current one).' }) month!: string;
  @ApiProperty({ example: '123.45', description: 'Estimated spend of the scope this month so far.' }) spent!: string;
  @ApiProperty({ example: 24.7 }) percentUsed!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class BudgetWriteResponseDto {
  @ApiProperty({ type: BudgetDto }) budget!: BudgetDto;
  @ApiProperty({ example: '1234' }) position!: string;
}

const LOW_CREDIT_AMOUNT_MESSAGE = 'lowCredit.amount must be an amount in USD of 0 or more, like "5.00" (up to 6 decimals)';
const LOW_CREDIT_PERCENT_MESSAGE = 'lowCredit.percent must be a whole percentage from 0 to 100';

export class LowCreditSettingsBody {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 10, description: 'Percentage of the total credits purchased. Default 10.' })
  @IsOptional()
  @IsInt({ message: LOW_CREDIT_PERCENT_MESSAGE })
  @Min(0, { message: LOW_CREDIT_PERCENT_MESSAGE })
  @Max(100, { message: LOW_CREDIT_PERCENT_MESSAGE })
  percent?: number;

  @ApiPropertyOptional({ example: '5.00', description: 'USD, decimal text. Default "5".' })
  @IsOptional()
  @IsString({ message: LOW_CREDIT_AMOUNT_MESSAGE })
  @Matches(MONEY, { message: LOW_CREDIT_AMOUNT_MESSAGE })
  amount?: string;
}

export class AlertSettingsBody {
  @ApiPropertyOptional({
    oneOf: [{ type: 'string', enum: ['low', 'medium', 'high'] }, { type: 'number', minimum: 1, maximum: 20 }],
    description: 'Anomaly sensitivity: high flags more (score threshold 2.5), medium is the default (3.5), low only the clearest (5); or the threshold itself. Unchanged when left out.',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @ValidateIf((_, value) => typeof value !== 'number')
  @IsIn(['low', 'medium', 'high'], { message: 'anomalySensitivity must be low, medium, high or a number from 1 to 20' })
  anomalySensitivity?: 'low' | 'medium' | 'high' | number;

  @ApiPropertyOptional({
    type: LowCreditSettingsBody,
    description:
      'When a prepaid credit balance (OpenRouter) raises a low-credit alert: remaining below the larger of `percent`% of the credits purchased and `amount` USD. Parts left out stay as they are.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => LowCreditSettingsBody)
  lowCredit?: LowCreditSettingsBody;
}

export class LowCreditSettingsDto {
  @ApiProperty({ example: 10 }) percent!: number;
  @ApiProperty({ example: '5' }) amount!: string;
}

export class AlertSettingsDto {
  @ApiProperty({ oneOf: [{ type: 'string', enum: ['low', 'medium', 'high'] }, { type: 'number' }] }) anomalySensitivity!: 'low' | 'medium' | 'high' | number;
  @ApiProperty({
    type: LowCreditSettingsDto,
    description: 'Low-credit alerts: warning when the remaining credit is below the larger of `percent`% of the credits purchased and `amount` USD; critical at or below zero.',
  })
  lowCredit!: LowCreditSettingsDto;
}

// ---------------------------------------------------------------------------------------------
// Forecast and anomalies

export class ForecastQuery extends WaitForQuery {
  @ApiPropertyOptional({ example: '2026-03', description: 'Default: the current month (UTC). A past month gives its actual total.' })
  @IsOptional()
  @Matches(MONTH, { message: 'month must be YYYY-MM' })
  month?: string;

  @ApiPropertyOptional({ enum: ['provider', 'account', 'model'], description: 'Default: the workspace total only.' })
  @IsOptional()
  @IsIn(['provider', 'account', 'model'], { message: 'groupBy must be provider, account or model' })
  groupBy?: 'provider' | 'account' | 'model';
}

export class AnomaliesQuery extends WaitForQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 90, default: 14, description: 'How many recent complete days to judge.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'days must be a whole number from 1 to 90' })
  @Min(1, { message: 'days must be a whole number from 1 to 90' })
  @Max(90, { message: 'days must be a whole number from 1 to 90' })
  days?: number;

  @ApiPropertyOptional({ description: 'low | medium | high or a score threshold from 1 to 20. Default: the workspace setting.' })
  @IsOptional()
  @Matches(/^(low|medium|high|\d{1,2}(\.\d{1,2})?)$/, { message: 'sensitivity must be low, medium, high or a number from 1 to 20' })
  sensitivity?: string;

  @ApiPropertyOptional({ example: '2026-03-09', description: 'Last day judged. Default: yesterday (UTC), the last complete day.' })
  @IsOptional()
  @Matches(DAY, { message: 'through must be a day (YYYY-MM-DD)' })
  through?: string;
}

// ---------------------------------------------------------------------------------------------
// Alerts

export const ALERT_STATUS_FILTERS = ['active', 'open', 'acknowledged', 'resolved', 'all'] as const;

export class AlertsQuery extends WaitForQuery {
  @ApiPropertyOptional({ enum: ALERT_STATUS_FILTERS, default: 'all', description: 'active = open or acknowledged.' })
  @IsOptional()
  @IsIn(ALERT_STATUS_FILTERS, { message: `status must be one of ${ALERT_STATUS_FILTERS.join(', ')}` })
  status?: (typeof ALERT_STATUS_FILTERS)[number];

  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS, { message: `kind must be one of ${ALERT_KINDS.join(', ')}` })
  kind?: AlertKind;

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
  @MaxLength(300)
  cursor?: string;
}

export class AlertSubjectDto {
  @ApiProperty({ enum: ['budget', 'account', 'model', 'workspace'] }) kind!: string;
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
}

export class AlertDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind!: AlertKind;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity!: AlertSeverity;
  @ApiProperty({ enum: ['open', 'acknowledged', 'resolved'] }) status!: 'open' | 'acknowledged' | 'resolved';
  @ApiProperty() title!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: AlertSubjectDto }) subject!: AlertSubjectDto;
  @ApiProperty({ description: 'Month, day, failure streak, or (low-credit) the credits purchased (`credits:250`) the alert belongs to.' }) period!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Figures behind it: threshold, amount, spent, projectedDate, cost, expected, remaining (low-credit)…' })
  details!: Record<string, unknown>;
  @ApiProperty() raisedAt!: string;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'condition-cleared, budget-changed, budget-removed, period-ended, overrun-happened, sync-recovered, topped-up, account-disconnected',
  })
  resolution!: string | null;
}

export class AlertPageDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class EvaluationResultDto {
  @ApiProperty() evaluatedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why nothing was evaluated: rebuild, recompute, read-models-behind.' }) skipped!: string | null;
  @ApiProperty() raised!: number;
  @ApiProperty() resolved!: number;
  @ApiProperty({ description: 'Event-store position of the alerts written: pass it as ?waitFor=.' }) position!: string;
}

// ---------------------------------------------------------------------------------------------
// Notification channels, preferences, deliveries

const URL_MESSAGE = 'url must be an http(s) URL without user name or password';

export class CreateChannelBody {
  @ApiProperty({ enum: CHANNEL_KINDS })
  @IsIn(CHANNEL_KINDS, { message: `kind must be one of ${CHANNEL_KINDS.join(', ')}` })
  kind!: ChannelKind;

  @ApiProperty({ example: 'Finance team' })
  @IsString()
  @MinLength(1, { message: 'name must have 1 to 100 characters' })
  @MaxLength(100, { message: 'name must have 1 to 100 characters' })
  name!: string;

  @ApiPropertyOptional({ description: 'Webhook URL (slack, discord, teams, webhook). Stored encrypted, shown only as a hint.', writeOnly: true, example: 'https://hooks.slack.com/services/T000/B000/XXXX' })
  @IsOptional()
  @IsString({ message: URL_MESSAGE })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ type: [String], description: 'E-mail: addresses to send to.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  recipients?: string[];

  @ApiPropertyOptional({ description: "E-mail: also the workspace's members, as each one's notification preferences allow. Default: true when no recipients are listed." })
  @IsOptional()
  @IsBoolean()
  toMembers?: boolean;

  @ApiPropertyOptional({ enum: ALERT_KINDS, isArray: true, description: 'Default: every kind.' })
  @IsOptional()
  @IsArray()
  @IsIn(ALERT_KINDS, { each: true, message: `alertKinds must be among ${ALERT_KINDS.join(', ')}` })
  alertKinds?: AlertKind[];

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES, default: 'info' })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES, { message: `minSeverity must be one of ${ALERT_SEVERITIES.join(', ')}` })
  minSeverity?: AlertSeverity;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateChannelBody {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'name must have 1 to 100 characters' })
  @MaxLength(100, { message: 'name must have 1 to 100 characters' })
  name?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @IsString({ message: URL_MESSAGE })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  recipients?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  toMembers?: boolean;

  @ApiPropertyOptional({ enum: ALERT_KINDS, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(ALERT_KINDS, { each: true, message: `alertKinds must be among ${ALERT_KINDS.join(', ')}` })
  alertKinds?: AlertKind[];

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES, { message: `minSeverity must be one of ${ALERT_SEVERITIES.join(', ')}` })
  minSeverity?: AlertSeverity;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Generic webhooks: replace the signing secret; the new one is in this answer only.' })
  @IsOptional()
  @IsBoolean()
  rotateSecret?: boolean;
}

export class ChannelDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CHANNEL_KINDS }) kind!: ChannelKind;
  @ApiProperty() name!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: ALERT_KINDS, isArray: true }) alertKinds!: AlertKind[];
  @ApiProperty({ enum: ALERT_SEVERITIES }) minSeverity!: AlertSeverity;
  @ApiProperty({ type: [String] }) recipients!: string[];
  @ApiProperty() toMembers!: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'https://hooks.slack.com/…XXXX', description: 'The webhook URL, masked.' }) targetHint!: string | null;
  @ApiProperty({ description: 'Deliveries carry X-ACT-Signature (generic webhooks).' }) signed!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class ChannelWriteResponseDto {
  @ApiProperty({ type: ChannelDto }) channel!: ChannelDto;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Generic webhooks: the HMAC-SHA256 signing secret, in the answer that created or rotated it only. Store it now: it is never shown again.',
  })
  signingSecret!: string | null;
  @ApiProperty() position!: string;
}

export class PreferencesBody {
  @ApiProperty({ enum: ALERT_KINDS, isArray: true, description: 'The alert kinds that reach you by e-mail (through e-mail channels sent to members).' })
  @IsArray({ message: `alertKinds must be a list among ${ALERT_KINDS.join(', ')}` })
  @IsIn(ALERT_KINDS, { each: true, message: `alertKinds must be among ${ALERT_KINDS.join(', ')}` })
  alertKinds!: AlertKind[];

  @ApiPropertyOptional({ default: true, description: 'false: no alert e-mail at all.' })
  @IsOptional()
  @IsBoolean()
  email?: boolean;
}

export class PreferencesDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ALERT_KINDS, isArray: true }) alertKinds!: AlertKind[];
  @ApiProperty() email!: boolean;
  @ApiProperty({ description: 'True while the member has not chosen: every kind reaches them.' }) isDefault!: boolean;
}

export const DELIVERY_STATUSES = ['pending', 'sending', 'retrying', 'delivered', 'failed'] as const;

export class DeliveriesQuery extends WaitForQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  channelId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  alertId?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: (typeof DELIVERY_STATUSES)[number];

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
  @MaxLength(300)
  cursor?: string;
}

export class DeliveryAttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ enum: ['in-flight', 'delivered', 'failed', 'interrupted'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: Number }) httpStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
}

export class DeliveryDto {
  @ApiProperty({ description: 'Also the idempotency key the receiver gets (X-ACT-Delivery, Idempotency-Key).' }) id!: string;
  @ApiProperty() channelId!: string;
  @ApiProperty() channelName!: string;
  @ApiProperty({ enum: CHANNEL_KINDS }) channelKind!: ChannelKind;
  @ApiProperty({ enum: ['alert', 'test'] }) purpose!: 'alert' | 'test';
  @ApiProperty({ nullable: true, type: String }) alertId!: string | null;
  @ApiProperty({ nullable: true, type: String }) alertKind!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'E-mail: the address.' }) recipient!: string | null;
  @ApiProperty() subject!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: (typeof DELIVERY_STATUSES)[number];
  @ApiProperty() attempts!: number;
  @ApiProperty() maxAttempts!: number;
  @ApiProperty({ nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attemptLog!: DeliveryAttemptDto[];
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class TestSendResultDto {
  @ApiProperty({ description: 'Every test message was accepted by its receiver.' }) delivered!: boolean;
  @ApiProperty({ type: [DeliveryDto] }) deliveries!: DeliveryDto[];
}
