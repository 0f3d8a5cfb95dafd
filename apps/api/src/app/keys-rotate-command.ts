import { Logger } from '@nestjs/common';
import { openDatabase } from '@act/server/database';
import { credentialKeyring } from '@act/server/accounts';
import type { AppConfig } from '@act/server/platform';
import { CredentialVault } from '@act/server/secrets';

/**
 * `npm run keys:rotate`: re-encrypts every stored provider credential with the first key of
 * CREDENTIAL_KEYS. Put the new key first and keep the old one after it, run this, then drop
 * the old key. Safe to run again after an interruption; running api processes keep working
 * throughout (they can read both keys). With the embedded database stop the server first: its
 * data directory belongs to one process.
 */
export async function keysRotateCommand(config: AppConfig): Promise<number> {
  const logger = new Logger('keys:rotate');
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    const vault = new CredentialVault(db, credentialKeyring(config, logger));
    await vault.migrate();
    const result = await vault.rotateAll({
      onBatchCommitted: ({ rotated }) => logger.log(`${rotated} credentials re-encrypted so far`),
    });
    const byKey = await vault.countByKey();
    logger.log(`Done: ${result.rotated} re-encrypted, ${result.alreadyCurrent} already under the active key. Credentials per key: ${JSON.stringify(byKey)}`);
    return 0;
  } finally {
    await db.close();
  }
}
