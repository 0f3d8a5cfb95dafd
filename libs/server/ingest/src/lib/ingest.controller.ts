import { Body, Controller, HttpCode, PayloadTooLargeException, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '@act/server/platform';
import { IngestUsageBody, IngestUsageResponseDto } from './dto';
import { IngestKeyGuard, type IngestRequest } from './ingest-key.guard';
import { IngestService, MAX_BATCH_BYTES, MAX_RECORDS, type IngestBatchResult } from './ingest.service';

@ApiTags('ingest')
@Controller('ingest')
export class IngestController {
  constructor(private readonly ingestService: IngestService) {}

  @Post('usage')
  @Public()
  @UseGuards(IngestKeyGuard)
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Send per-request usage with an ingest key',
    description:
      `A batch of up to ${MAX_RECORDS} records (and 1 MB) from one account, each carrying the provider's native usage object. ` +
      'Records are folded into per-(account, UTC day, requestType) totals recorded as UsageObserved (source request-log; the newest total replaces the previous one). ' +
      'Idempotent by requestId: a re-sent record is counted once (duplicates), so a retried batch changes nothing, with or without an Idempotency-Key. ' +
      'Invalid records are rejected one by one (errors, by record path) and never block the valid ones; a record is stored completely or not at all. ' +
      'A batch in which no record is valid is a 400.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Accepted and not needed: requestIds already make every batch idempotent.' })
  @ApiBody({ type: IngestUsageBody })
  @ApiOkResponse({ type: IngestUsageResponseDto })
  @ApiBadRequestResponse({ description: 'Not a batch, more than 1,000 records, or no valid record (problem+json, errors by path such as records[3].usage.prompt_tokens).' })
  @ApiUnauthorizedResponse({ description: 'No ingest key, or an unknown or revoked one, or its account is disconnected.' })
  @ApiPayloadTooLargeResponse({ description: 'The body is larger than 1 MB.' })
  async ingest(@Req() request: IngestRequest, @Body() body: unknown): Promise<IngestBatchResult> {
    const declared = Number(request.headers['content-length'] ?? NaN);
    const size = Number.isFinite(declared) ? declared : Buffer.byteLength(JSON.stringify(body ?? null));
    if (size > MAX_BATCH_BYTES) throw new PayloadTooLargeException(`The batch is ${size} bytes; at most ${MAX_BATCH_BYTES} (1 MB) per request: send smaller batches.`);
    const caller = request.ingestCaller;
    if (!caller) throw new Error('POST /ingest/usage reached without IngestKeyGuard');
    return this.ingestService.ingest(caller, body);
  }
}
