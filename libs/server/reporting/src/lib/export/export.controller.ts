import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { SqlDatabase } from '@act/server/database';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import { SQL_DATABASE } from '@act/server/platform';
import { ExportQuery } from '../dto/queries';
import { checkRange, MAX_RANGE_DAYS, nextDay } from '../ranges';
import { csvHeader, csvRow, FOCUS_COLUMNS, FOCUS_VERSION, focusHeader, focusRow, jsonHead, jsonRow, jsonTail, CSV_COLUMNS } from './export-formats';
import { accountNames, exportRows, exportVersion, type ExportScope } from './export-rows';

/** Bytes gathered before a write: large enough to keep syscalls few, small enough to stream. */
const CHUNK_BYTES = 64 * 1024;

class ClientGone extends Error {}

@ApiTags('export')
@ApiBearerAuth()
@Controller('workspaces/:ws')
export class ExportController {
  private readonly logger = new Logger('Export');

  constructor(@Inject(SQL_DATABASE) private readonly db: SqlDatabase) {}

  @Get('export')
  @WorkspaceScoped('workspace.read')
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({
    summary: 'Export estimated vs reconciled cost per account × day × line: CSV, JSON or FOCUS 1.2 (streamed)',
    description:
      `Streamed as it is read (keyset pages of the read model; a year of data is never held in memory), over [from, to], at most ${MAX_RANGE_DAYS} days, ` +
      'from the current cost version or ?version=. One row per account × UTC day × requestType (usage: estimated side, status estimated / ' +
      'manual / unpriced / pending, or reconciled when the provider sent a billed cost with it) and one per billed line item (reconciled side). ' +
      '`reconciled` is what a row counts as billed, so sums over a file are right. ' +
      `\n\n**format=csv**: columns ${CSV_COLUMNS.join(', ')} (token columns named like the import template; text that a spreadsheet would run as a formula gets a leading \\'). ` +
      '\n\n**format=json**: `{workspaceId, from, to, costVersion, generatedAt, currency, rows: [...], rowCount}`. ' +
      `\n\n**format=focus**: a FinOps Open Cost and Usage Specification (FOCUS) **version ${FOCUS_VERSION}** Cost and Usage dataset as CSV, ` +
      'with every column the specification makes mandatory, in its formats (ISO 8601 UTC date/times ending in Z, plain decimal numbers, ISO 4217 ' +
      'currency codes, empty = null). Mapping: ChargePeriod = the UTC day; BillingPeriod = its calendar month; ListCost = our estimate from the ' +
      'price catalogue (0 where unpriced — see x_CostStatus); BilledCost = what the provider billed where reconciled, else the estimate ' +
      '(0 on usage rows of a day billed through billed lines, which are rows of their own); EffectiveCost = BilledCost; ContractedCost = ListCost; ' +
      'ConsumedQuantity/PricingQuantity = tokens (else the unit used); ServiceName = ProviderName = PublisherName = InvoiceIssuerName = the provider; ' +
      'ServiceCategory = AI and Machine Learning; SkuId = the requestType (or billed line item); BillingCurrency = USD. ' +
      `Custom columns: ${FOCUS_COLUMNS.filter((c) => c.startsWith('x_')).join(', ')}.`,
  })
  @ApiOkResponse({ description: 'The file (Content-Disposition: attachment).' })
  @ApiBadRequestResponse({ description: 'Unknown format, bad days, to before from, or more than 400 days.' })
  async export(@CurrentWorkspace() ctx: WorkspaceContext, @Query() query: ExportQuery, @Res() response: Response): Promise<void> {
    checkRange(query.from, query.to);
    // Everything that can fail with a problem+json answer happens before the first byte.
    const version = await exportVersion(this.db, ctx.workspaceId, query.version);
    const names = await accountNames(this.db, ctx.workspaceId);
    const scope: ExportScope = {
      workspaceId: ctx.workspaceId,
      from: query.from,
      end: nextDay(query.to),
      version,
      ...(query.accountId ? { accountId: query.accountId } : {}),
    };
    const extension = query.format === 'json' ? 'json' : 'csv';
    const name = `${query.format === 'focus' ? `focus-${FOCUS_VERSION}` : 'usage'}_${query.from}_${query.to}_v${version}.${extension}`;
    response.status(200);
    response.setHeader('Content-Type', query.format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8; header=present');
    response.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Cost-Version', String(version));
    if (query.format === 'focus') response.setHeader('X-Focus-Version', FOCUS_VERSION);

    const out = new ChunkedWriter(response);
    let rows = 0;
    try {
      if (query.format === 'csv') await out.add(csvHeader());
      else if (query.format === 'focus') await out.add(focusHeader());
      else await out.add(jsonHead({ workspaceId: ctx.workspaceId, from: query.from, to: query.to, costVersion: version, generatedAt: new Date().toISOString() }));
      for await (const row of exportRows(this.db, scope, names)) {
        await out.add(query.format === 'csv' ? csvRow(row) : query.format === 'focus' ? focusRow(row) : jsonRow(row, rows === 0));
        rows += 1;
      }
      if (query.format === 'json') await out.add(jsonTail(rows));
      await out.end();
    } catch (error) {
      if (error instanceof ClientGone) return;
      // Headers are sent: cut the transfer so the client sees an incomplete file, never a complete-looking one.
      this.logger.error(`Export of ${ctx.workspaceId} failed after ${rows} rows: ${(error as Error).stack ?? error}`);
      response.destroy(error as Error);
    }
  }
}

/** Gathers output into chunks and writes them with backpressure: waits for 'drain', stops when the client goes away. */
class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly response: Response) {}

  async add(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_BYTES) await this.flush();
  }

  async end(): Promise<void> {
    await this.flush();
    if (!this.response.writableEnded) this.response.end();
  }

  private async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.response.destroyed || this.response.writableEnded) throw new ClientGone();
    if (this.response.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', gone);
        resolve();
      };
      const gone = () => {
        this.response.off('drain', done);
        this.response.off('close', gone);
        reject(new ClientGone());
      };
      this.response.on('drain', done);
      this.response.on('close', gone);
    });
  }
}
