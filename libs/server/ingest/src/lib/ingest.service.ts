import { Logger } from '@nestjs/common';
import { RequestValidationError } from '@act/server/platform';
import { buildRequestType } from '@act/domain/usage';
import { acceptedFormats, isRecord, readRequestRecord, type UsageProblem } from '@act/domain/request-usage';
import { keyString, type InboxRequest, type RequestInbox, type RequestLogAggregator } from './request-log';

export const MAX_RECORDS = 1000;
export const MAX_BATCH_BYTES = 1024 * 1024;

/** Who a batch is for: fixed by the ingest key. */
export interface IngestCallerContext {
  readonly keyId: string;
  readonly workspaceId: string;
  readonly accountId: string;
  /** The account's provider: the ledger key's provider. */
  readonly provider: string;
}

export interface IngestBatchResult {
  /** Records stored now and counted in their day's total. */
  accepted: number;
  /** Records whose requestId this account had already sent (or sent twice in this batch): not counted again. */
  duplicates: number;
  /** Duplicates whose usage differs from the stored one: the first one sent counts. */
  conflicts: { index: number; requestId: string }[];
  /** Invalid records: nothing of them was stored. */
  rejected: number;
  errors: { path: string; message: string }[];
  /** Event-store position holding the day totals of this batch: pass it as `?waitFor=`. */
  position: string;
  /** Keys whose total could not be recorded now; the background sweep records them (normally 0). */
  pendingKeys: number;
}

/**
 * Per-request ingest: validates a batch, stores its valid records in the inbox (with pending
 * markers, in one transaction) and folds the touched days into the ledger at once. A valid
 * record is never lost because another one is bad: invalid records are reported and skipped;
 * each stored record is complete (inbox row + marker) or absent, never half-written.
 */
export class IngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly inbox: RequestInbox,
    private readonly aggregator: RequestLogAggregator,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async ingest(caller: IngestCallerContext, body: unknown): Promise<IngestBatchResult> {
    const records = this.records(body);
    const now = this.now().toISOString();
    const formats = acceptedFormats(caller.provider);
    const valid: { index: number; item: InboxRequest }[] = [];
    const errors: UsageProblem[] = [];
    let rejected = 0;
    records.forEach((value, index) => {
      const path = `records[${index}]`;
      const read = readRequestRecord(value, { path, now, account: { provider: caller.provider, formats } });
      if (!read.ok) {
        rejected += 1;
        errors.push(...read.problems);
        return;
      }
      const request = read.value;
      const requestType = buildRequestType({
        provider: caller.provider,
        model: request.model,
        operation: request.operation,
        serviceTier: request.serviceTier,
        contextTier: request.contextTier,
        ...(request.project === null ? {} : { project: request.project }),
      });
      valid.push({
        index,
        item: { request, requestType, workspaceId: caller.workspaceId, accountId: caller.accountId, day: request.day, provider: caller.provider },
      });
    });
    const reported = errors.map(({ path, message }) => ({ path, message }));
    if (valid.length === 0) throw new RequestValidationError(reported);

    const stored = await this.inbox.accept(valid.map((v) => v.item));
    const indexOf = new Map(valid.map((v) => [v.item, v.index]));
    let position = 0n;
    let pendingKeys = 0;
    try {
      const folded = await this.aggregator.fold(stored.keys);
      for (const key of stored.keys) {
        const result = folded.get(keyString(key));
        if (result?.position && result.position > position) position = result.position;
        if (!result?.done) pendingKeys += 1;
      }
    } catch (error) {
      // The requests are safely in the inbox with their markers: the sweep records them.
      this.logger.error(`Recording the totals of a batch for account ${caller.accountId} failed; the sweep retries: ${(error as Error).stack ?? error}`);
      pendingKeys = stored.keys.length;
      position = await this.aggregator.positions(stored.keys).catch(() => 0n);
    }
    return {
      accepted: stored.inserted.length,
      duplicates: stored.duplicates.length,
      conflicts: stored.duplicates
        .filter((d) => !d.sameContent)
        .map((d) => ({ index: indexOf.get(d.request) ?? -1, requestId: d.request.request.requestId }))
        .sort((a, b) => a.index - b.index),
      rejected,
      errors: reported,
      position: position.toString(),
      pendingKeys,
    };
  }

  /** The batch's envelope: `{"records": [...]}` with 1 to 1000 records; anything else is a 400. */
  private records(body: unknown): unknown[] {
    const fail = (path: string, message: string): never => {
      throw new RequestValidationError([{ path, message }]);
    };
    if (!isRecord(body)) return fail('', 'The body must be a JSON object {"records": [...]} sent with Content-Type: application/json.');
    for (const key of Object.keys(body)) {
      if (key !== 'records') fail(key, `${key} is not a field of a batch: send {"records": [...]}.`);
    }
    const records = body['records'];
    if (records === undefined || records === null) return fail('records', 'records is required: an array of 1 to 1000 request records.');
    if (!Array.isArray(records)) return fail('records', 'records must be an array of request records.');
    if (records.length === 0) return fail('records', 'records is empty: send at least one record.');
    if (records.length > MAX_RECORDS) return fail('records', `records has ${records.length} entries; a batch may have at most ${MAX_RECORDS}: split it.`);
    return records;
  }
}
