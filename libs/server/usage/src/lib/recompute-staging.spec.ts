import { describeOnEachEngine } from '@act/server/database/testing';
import { migrateRecomputeStaging, RECOMPUTE_STAGING_SCHEMA } from './recompute-staging';

describeOnEachEngine('recompute staging tables', (database) => {
  const db = () => database().db;

  it('moves staged rows written before usage_ledger v5 from jsonb to json detail, keeping them', async () => {
    // The staging table as an earlier release created it, with a recompute's row in it.
    await db().exec(RECOMPUTE_STAGING_SCHEMA.replace('detail json not null', 'detail jsonb not null'));
    const detail = { lines: [{ class: 'output', quantity: 200, unitPrice: '0.0000006', amount: '0.00012', priceSource: 'catalogue' }], unpriced: [], flags: [] };
    await db().query(
      `insert into public.cost_recompute_rows (recompute_id, account_id, day, request_type, provider, model, usage_event_id,
              before_status, status, estimated, detail)
       values ('r1', 'acc1', '2026-10-02', 'completions', 'openai', 'gpt-4o-mini', 'e1', 'estimated', 'estimated', 0.00012, $1::jsonb)`,
      [JSON.stringify(detail)],
    );

    await migrateRecomputeStaging(db());
    await migrateRecomputeStaging(db()); // idempotent: every start runs it

    const [column] = await db().query<{ data_type: string }>(
      `select data_type from information_schema.columns
        where table_schema = 'public' and table_name = 'cost_recompute_rows' and column_name = 'detail'`,
    );
    expect(column?.data_type).toBe('json');
    const rows = await db().query<{ detail: unknown }>(`select detail from public.cost_recompute_rows where recompute_id = 'r1'`);
    expect(rows).toEqual([{ detail }]);
  });
});
