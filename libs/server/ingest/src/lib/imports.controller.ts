import { Controller, HttpCode, Post, Query, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentWorkspace, WorkspaceScoped, type WorkspaceContext } from '@act/server/identity';
import { TEMPLATE_COLUMNS } from './csv-import';
import { ImportQuery, ImportReportDto } from './dto';
import { ImportsService } from './imports.service';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('workspaces/:ws/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(200)
  @WorkspaceScoped('usage.record')
  @ApiOperation({
    summary: 'Import usage from a CSV file (text/csv), or preview it with ?dryRun=true',
    description:
      `Our template: header ${TEMPLATE_COLUMNS.join(',')} (date, account_id, model required; one row per account, UTC day, model, operation, tiers and project, ` +
      'holding that day\'s total; token columns are disjoint: input_tokens excludes cached input and cache writes; cost in USD). ' +
      'Also Azure Cost Management exports (MeterName, Date, CostInBillingCurrency, BillingCurrency) and AWS Cost Explorer CSV downloads, recorded as billed cost lines of ?accountId=, and the OpenAI usage page exports (completions activity → usage, costs → billed lines) of an OpenAI ?accountId=. The Anthropic Console export is not read: its columns are not documented. ' +
      'The report lists rows read / valid / invalid with each problem\'s line and column, and the observations that would be created, changed or left unchanged. ' +
      'A dry run writes nothing. A real import is all-or-nothing per file (422 with the report if any row is invalid) and idempotent: importing the same file again changes nothing.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'date,account_id,model,input_tokens,output_tokens,cost\n2026-03-01,8f5e…,llama-3.1-70b,120000,3400,\n' } })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiUnprocessableEntityResponse({ description: 'The file has problems: nothing was imported (problem+json with `errors` and the `report`).' })
  async import(
    @CurrentWorkspace() ctx: WorkspaceContext,
    @Query() query: ImportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    if (!request.is('text/csv')) {
      throw new UnsupportedMediaTypeException('Send the file as the request body with Content-Type: text/csv (UTF-8).');
    }
    const dryRun = query.dryRun === 'true';
    const outcome = await this.imports.import(ctx, request, {
      dryRun,
      format: (query.format ?? 'auto') as 'auto',
      accountId: query.accountId,
    });
    if (outcome.valid || dryRun) return outcome.report;
    response.status(422).type('application/problem+json');
    return {
      type: 'https://ai-cost-tracker.dev/problems/import-invalid',
      title: 'Unprocessable Entity',
      status: 422,
      detail: `Nothing was imported: the file has problems (${outcome.report.rows.invalid} of ${outcome.report.rows.read} rows invalid). Fix them and send the whole file again.`,
      instance: request.originalUrl.split('?')[0],
      errors: outcome.report.problems.map((p) => ({ path: `line ${p.line}${p.column ? `.${p.column}` : ''}`, message: p.message })),
      report: outcome.report,
    };
  }
}
