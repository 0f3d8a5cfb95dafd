/**
 * Provider sync: per-account leases, planning from the sync checkpoint (backfill, look-back),
 * chunked runs recorded through the ledger, the sync history projection and the endpoints.
 */
export * from './lib/sync.module';
export * from './lib/sync.service';
export * from './lib/sync-scheduler';
export * from './lib/sync-events';
export * from './lib/sync-leases';
export * from './lib/sync-runs.projection';
