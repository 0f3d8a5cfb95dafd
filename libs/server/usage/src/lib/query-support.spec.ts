import { describeOnEachEngine } from '@act/server/database/testing';
import { onOneSnapshot } from './query-support';

describeOnEachEngine('onOneSnapshot', (database) => {
  it('runs the statements in one read-only REPEATABLE READ transaction', async () => {
    const seen = await onOneSnapshot(database().db, async (tx) => {
      const [isolation] = await tx.query<{ transaction_isolation: string }>('show transaction_isolation');
      const [readOnly] = await tx.query<{ transaction_read_only: string }>('show transaction_read_only');
      const [first] = await tx.query<{ now: string }>('select now()::text as now');
      const [second] = await tx.query<{ now: string }>('select now()::text as now');
      return { isolation: isolation?.transaction_isolation, readOnly: readOnly?.transaction_read_only, same: first?.now === second?.now };
    });
    // now() is the transaction's start: equal in both statements only inside one transaction.
    expect(seen).toEqual({ isolation: 'repeatable read', readOnly: 'on', same: true });
  });

  it('inside a caller\'s transaction, runs in it', async () => {
    const db = database().db;
    await db.transaction(async (tx) => {
      await tx.query('create temp table snapshot_probe (n int) on commit drop');
      // A nested BEGIN would fail or escape the caller's transaction; the temp table proves it stayed in it.
      const [row] = await onOneSnapshot(tx, (inner) => inner.query<{ n: string }>('select count(*)::text as n from snapshot_probe'));
      expect(row?.n).toBe('0');
    });
  });
});
