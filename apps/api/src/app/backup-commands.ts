import { Logger } from '@nestjs/common';
import { createReadStream, createWriteStream, existsSync, renameSync } from 'node:fs';
import { openDatabase } from '@act/server/database';
import { KURRENTDB_BACKUP_MESSAGE, restoreBackup, writeBackup } from '@act/server/backup';
import type { AppConfig } from '@act/server/platform';

/**
 * `npm run backup -- <file>`: a consistent snapshot of the event log and the encrypted
 * credentials. Against PostgreSQL it runs beside live api processes. The embedded database
 * belongs to the running server: use `GET /api/v1/admin/backup` then (or stop the server).
 */
export async function backupCommand(config: AppConfig, file: string | undefined): Promise<number> {
  const logger = new Logger('backup');
  if (!file) {
    logger.error('Name the file to write: npm run backup -- ./backups/costs.ndjson.gz');
    return 2;
  }
  if (config.EVENT_STORE !== 'postgres') {
    logger.error(KURRENTDB_BACKUP_MESSAGE);
    return 2;
  }
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    // Written next to the target and renamed at the end: a failed backup never looks like a good one.
    const partial = `${file}.partial`;
    const summary = await writeBackup(db, createWriteStream(partial));
    renameSync(partial, file);
    logger.log(`Wrote ${file}: ${summary.events} events (up to position ${summary.headPosition}), ${summary.credentials} encrypted credentials`);
    return 0;
  } finally {
    await db.close();
  }
}

/** `npm run restore -- <file>`: into an empty database only; read models are rebuilt at the next start. */
export async function restoreCommand(config: AppConfig, file: string | undefined): Promise<number> {
  const logger = new Logger('restore');
  if (!file || !existsSync(file)) {
    logger.error(file ? `No such file: ${file}` : 'Name the backup to restore: npm run restore -- ./backups/costs.ndjson.gz');
    return 2;
  }
  if (config.EVENT_STORE !== 'postgres') {
    logger.error(KURRENTDB_BACKUP_MESSAGE);
    return 2;
  }
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    const summary = await restoreBackup(db, createReadStream(file));
    logger.log(`Restored ${summary.events} events and ${summary.credentials} credentials. Start the product: it rebuilds every read model from the log.`);
    return 0;
  } catch (error) {
    logger.error((error as Error).message);
    return 1;
  } finally {
    await db.close();
  }
}
