/**
 * Usage that reaches the ledger without a provider usage API:
 * - `POST /api/v1/ingest/usage` (ingest key): per-request usage in each provider's native shape,
 *   kept in an inbox (one row per account and requestId) and folded into per-(account, UTC day,
 *   requestType) totals recorded as `UsageObserved` (source `request-log`), crash-safe through
 *   pending markers and a sweep (`RequestInbox`, `RequestLogAggregator`).
 * - Manual entries (`/workspaces/{ws}/manual-entries`): observations with source `manual`;
 *   edits and deletions (tombstones of zero) are newer observations of the same key.
 * - CSV import (`/workspaces/{ws}/imports?dryRun=`): our template, Azure Cost Management and AWS
 *   Cost Explorer exports, the OpenAI usage page's exports; dry-run report, all-or-nothing per
 *   file, idempotent.
 * - Coverage gap (`/workspaces/{ws}/coverage`): official usage vs request logs per account-day;
 *   on a day the usage API reported, request logs do not count in the totals.
 */
export * from './lib/ingest.module';
export * from './lib/schema';
export * from './lib/csv';
export * from './lib/csv-import';
export * from './lib/request-log';
export * from './lib/ingest.service';
export * from './lib/manual-entries.service';
export * from './lib/imports.service';
export * from './lib/ledger-reader';
export * from './lib/dto';
export * from './lib/coverage.dto';
export * from './lib/coverage-queries';
