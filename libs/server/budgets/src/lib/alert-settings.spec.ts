import { randomUUID } from 'node:crypto';
import { budgetsStreamId } from '@act/domain/budgets';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import { ProjectionRunner } from '@act/server/projections';
import { budgetsProjection } from './budgets.projection';
import { BudgetsService } from './budgets.service';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const ws = 'ws-settings';
const ctx = { workspaceId: ws, userId: 'u1' } as Parameters<BudgetsService['setSettings']>[0];

/**
 * Alert settings through the `budgets` projection (v2: `low_credit`) on real databases: settings saved before
 * low-credit settings existed read as the default, partial changes keep the rest, and a v1 table (no column, as
 * while v2 is being rebuilt after an upgrade) still answers.
 */
describeOnEachEngine('alert settings', (database) => {
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let service: BudgetsService;
  const db = () => database().db;
  const drain = async () => {
    while (await runner.runOnce());
  };

  beforeEach(async () => {
    await resetDatabase(db());
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
    runner = new ProjectionRunner(db(), store, [budgetsProjection], { logger: quiet });
    await runner.initialize();
    service = new BudgetsService(store, db());
  });

  it('reads old settings with the default threshold, and changes only what is given', async () => {
    expect(await service.settings(ws)).toEqual({ anomalySensitivity: 'medium', lowCredit: { percent: 10, amount: '5' } });
    // An AlertSettingsChanged written before low-credit settings existed.
    await store.appendToStream(budgetsStreamId(ws), [{ id: randomUUID(), type: 'AlertSettingsChanged', data: { workspaceId: ws, anomalySensitivity: 'high' }, metadata: {} }]);
    await drain();
    expect(await service.settings(ws)).toEqual({ anomalySensitivity: 'high', lowCredit: { percent: 10, amount: '5' } });

    const changed = await service.setSettings(ctx, { lowCredit: { percent: 20 } });
    expect(changed).toMatchObject({ anomalySensitivity: 'high', lowCredit: { percent: 20, amount: '5' } });
    await drain();
    expect(await service.settings(ws)).toEqual({ anomalySensitivity: 'high', lowCredit: { percent: 20, amount: '5' } });
    await service.setSettings(ctx, { anomalySensitivity: 4 });
    await drain();
    expect(await service.settings(ws)).toEqual({ anomalySensitivity: 4, lowCredit: { percent: 20, amount: '5' } });
  });

  it('answers from a v1 table without the low_credit column', async () => {
    // What readers see while v2 is being rebuilt: the v1 view, without the column.
    await db().query('drop view if exists public.alert_settings');
    await db().query('drop table if exists public.alert_settings');
    await db().query('create table public.alert_settings (workspace_id text primary key, anomaly_sensitivity jsonb not null, updated_at timestamptz not null)');
    await db().query(`insert into public.alert_settings values ($1, '"low"'::jsonb, now())`, [ws]);
    expect(await service.settings(ws)).toEqual({ anomalySensitivity: 'low', lowCredit: { percent: 10, amount: '5' } });
  });
});
