import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describeOnEachEngine, openTestDatabase, resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import { BackupError, restoreBackup, writeBackup } from './backup';

async function backupToBuffer(db: Parameters<typeof writeBackup>[0]): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeBackup(db, sink);
  return Buffer.concat(chunks);
}

describeOnEachEngine('backup and restore of the event log', (database, engine) => {
  it('restores every event with its position, stream revision and content, and appends continue after them', async () => {
    const db = database().db;
    await resetDatabase(db);
    const store = new PostgresEventStore(db);
    await store.migrate();
    for (let i = 0; i < 3; i++) {
      await store.appendToStream(`s-${i % 2}`, [{ id: randomUUID(), type: 'Happened', data: { i, amount: '12.345678', nested: { ok: true } }, metadata: { actorId: 'u1' } }]);
    }
    const file = await backupToBuffer(db);
    const original = await store.readAll(0n, 100);

    const target = await openTestDatabase(engine);
    try {
      const summary = await restoreBackup(target.db, Readable.from(file));
      expect(summary).toMatchObject({ events: 3, credentials: 0 });
      const restored = new PostgresEventStore(target.db);
      expect(await restored.readAll(0n, 100)).toEqual(original);
      const next = await restored.appendToStream('s-0', [{ id: randomUUID(), type: 'Happened', data: {} }], { expectedRevision: 1n });
      expect(next.position).toBe(original[original.length - 1].globalPosition + 1n);
      await expect(restoreBackup(target.db, Readable.from(file))).rejects.toThrow(/already holds 4 events/);
    } finally {
      await target.dispose();
    }
  });

  it('refuses a truncated file and restores nothing', async () => {
    const db = database().db;
    await resetDatabase(db);
    const store = new PostgresEventStore(db);
    await store.migrate();
    await store.appendToStream('s', [{ id: randomUUID(), type: 'Happened', data: {} }]);
    const text = (await import('node:zlib')).gunzipSync(await backupToBuffer(db)).toString('utf8');
    const truncated = gzipSync(text.split('\n').slice(0, 2).join('\n'));
    const target = await openTestDatabase(engine);
    try {
      await expect(restoreBackup(target.db, Readable.from(truncated))).rejects.toThrow(BackupError);
      await expect(restoreBackup(target.db, Readable.from(truncated))).rejects.toThrow(/truncated/);
      expect(await new PostgresEventStore(target.db).headPosition()).toBe(0n);
    } finally {
      await target.dispose();
    }
  });
});
