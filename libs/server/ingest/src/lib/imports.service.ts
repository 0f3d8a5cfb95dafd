import { createHash, randomUUID } from 'node:crypto';
import { BadRequestException, Logger, PayloadTooLargeException } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import type { AccountsService } from '@act/server/accounts';
import type { WorkspaceContext } from '@act/server/identity';
import type { RecordUsageHandler } from '@act/server/usage';
import { COST_REPORTED, costContent, keyOf, usageContent, type UsageLedgerEvent } from '@act/domain/usage';
import { CsvParser, CsvSyntaxError, type CsvRecord } from './csv';
import { candidateEvent, ImportReader, type ImportFormat, type ImportProblem } from './csv-import';
import type { ImportReportDto } from './dto';
import { isAfterDay, nextObservedAt, type LedgerReader } from './ledger-reader';

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;

export interface ImportOptions {
  readonly dryRun: boolean;
  readonly format: ImportFormat | 'auto';
  readonly accountId?: string;
}

export interface ImportOutcome {
  readonly report: ImportReportDto;
  /** False when the file has problems: nothing was (or would be) applied. */
  readonly valid: boolean;
}

function contentOf(event: UsageLedgerEvent): string {
  return event.type === COST_REPORTED ? costContent(event.data) : usageContent(event.data);
}

/**
 * CSV import: the file is streamed through the parser and checked row by row; then every
 * observation it makes is compared with its key's current one (created / changed / unchanged).
 * - A dry run writes nothing.
 * - A real import is all-or-nothing per file: one invalid row and nothing is applied (422
 *   with every problem). A valid file's observations are first stored as a pending job, then
 *   recorded, then the job is marked applied; a crash in between is completed by the sweep
 *   (`resumePending`), and recording the same observations twice changes nothing.
 * - Idempotent: importing the same file again finds every key unchanged and appends nothing.
 */
export class ImportsService {
  private readonly logger = new Logger('Imports');
  private resuming: Promise<number> | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly ledger: LedgerReader,
    private readonly record: RecordUsageHandler,
    private readonly accounts: () => AccountsService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async import(ctx: WorkspaceContext, body: AsyncIterable<Buffer | string>, options: ImportOptions): Promise<ImportOutcome> {
    const now = this.now();
    const reader = new ImportReader(ctx.workspaceId, {
      format: options.format,
      accountId: options.accountId,
      today: now.toISOString().slice(0, 10),
      findAccount: async (accountId) => {
        try {
          const account = await this.accounts().load(ctx, accountId);
          return { provider: account.provider, disconnected: account.disconnected };
        } catch {
          return null;
        }
      },
    });
    const { sha256, stopped } = await this.parse(body, reader);
    const parsed = reader.finish();
    const problems: ImportProblem[] = stopped ? [...parsed.problems, stopped] : parsed.problems;
    const valid = problems.length === 0;

    // What each observation would do to its key, decided on the ledger streams themselves.
    const provisional = parsed.candidates.map((candidate) => candidateEvent(candidate, now.toISOString(), false));
    const current = await this.ledger.currentFor(provisional);
    const counts = { created: 0, changed: 0, unchanged: 0 };
    const events = parsed.candidates.map((candidate, i) => {
      const existing = current.get(keyOf(provisional[i]));
      const observedAt = nextObservedAt(now, candidate.input.day, existing);
      const event = candidateEvent(candidate, observedAt, isAfterDay(observedAt, candidate.input.day));
      if (!existing) counts.created += 1;
      else if (contentOf(existing) === contentOf(event)) counts.unchanged += 1;
      else counts.changed += 1;
      return event;
    });

    const report: ImportReportDto = {
      importId: null,
      dryRun: options.dryRun,
      applied: false,
      format: parsed.format ?? (options.format === 'auto' ? 'template' : options.format),
      fileSha256: sha256,
      rows: parsed.rows,
      observations: counts,
      problems: problems.map((p) => ({ line: p.line, column: p.column, message: p.message })),
      problemCount: parsed.problemCount + (stopped ? 1 : 0),
      position: null,
    };
    if (options.dryRun || !valid || events.length === 0) return { report, valid };

    const importId = randomUUID();
    const stamped = events.map((event) => ({ ...event, metadata: { actorId: ctx.userId, at: now.toISOString(), importId } }) as unknown as UsageLedgerEvent);
    await this.db.query(
      `insert into import_jobs (id, workspace_id, file_sha256, events, status, created_by) values ($1, $2, $3, $4::jsonb, 'pending', $5)`,
      [importId, ctx.workspaceId, sha256, JSON.stringify(stamped), ctx.userId],
    );
    const position = await this.apply(importId, stamped);
    return { report: { ...report, importId, applied: true, position: position.toString() }, valid };
  }

  /** Completes imports left pending by a crash between storing and recording them. */
  resumePending(graceMs = 60_000): Promise<number> {
    this.resuming ??= this.runResume(graceMs).finally(() => (this.resuming = null));
    return this.resuming;
  }

  async idle(): Promise<void> {
    await this.resuming?.catch(() => undefined);
  }

  private async runResume(graceMs: number): Promise<number> {
    const jobs = await this.db.query<{ id: string; events: string }>(
      `select id, events::text as events from import_jobs
        where status = 'pending' and created_at <= now() - make_interval(secs => $1::double precision / 1000)
        order by created_at limit 100`,
      [graceMs],
    );
    let done = 0;
    for (const job of jobs) {
      try {
        await this.apply(job.id, JSON.parse(job.events) as UsageLedgerEvent[]);
        done += 1;
      } catch (error) {
        this.logger.error(`Resuming import ${job.id} failed; retried on the next sweep: ${(error as Error).stack ?? error}`);
      }
    }
    return done;
  }

  private async apply(importId: string, events: readonly UsageLedgerEvent[]): Promise<bigint> {
    const result = await this.record.handle(events);
    await this.db.query(`update import_jobs set status = 'applied', applied_at = now(), position = $2::bigint where id = $1`, [importId, result.position.toString()]);
    return result.position;
  }

  /** Streams the body through the CSV parser into the reader; a syntax error or a limit stops it with one more problem. */
  private async parse(body: AsyncIterable<Buffer | string>, reader: ImportReader): Promise<{ sha256: string; stopped: ImportProblem | null }> {
    const hash = createHash('sha256');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const parser = new CsvParser();
    let bytes = 0;
    let rows = 0;
    let stopped: ImportProblem | null = null;
    const feed = async (records: CsvRecord[]) => {
      for (const record of records) {
        if (stopped) return;
        rows += 1;
        if (rows > MAX_IMPORT_ROWS + 1) {
          stopped = { line: record.line, column: null, message: `The file has more than ${MAX_IMPORT_ROWS} rows: split it.` };
          return;
        }
        await reader.push(record);
      }
    };
    for await (const chunk of body) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      if (bytes > MAX_IMPORT_BYTES) throw new PayloadTooLargeException(`The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it.`);
      hash.update(buffer);
      if (stopped) continue;
      let text: string;
      try {
        text = decoder.decode(buffer, { stream: true });
      } catch {
        throw new BadRequestException('The file is not UTF-8 text: save the CSV as UTF-8.');
      }
      try {
        await feed(parser.push(text));
      } catch (error) {
        if (!(error instanceof CsvSyntaxError)) throw error;
        stopped = { line: error.line, column: null, message: `${error.message.replace(/^line \d+: /, '')} Nothing after this point was read.` };
      }
    }
    if (!stopped) {
      try {
        await feed(parser.push(decoder.decode()));
        await feed(parser.end());
      } catch (error) {
        if (error instanceof CsvSyntaxError) stopped = { line: error.line, column: null, message: error.message.replace(/^line \d+: /, '') };
        else if (error instanceof TypeError) throw new BadRequestException('The file is not UTF-8 text: save the CSV as UTF-8.');
        else throw error;
      }
    }
    return { sha256: hash.digest('hex'), stopped };
  }
}
