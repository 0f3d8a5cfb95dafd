import type { LoggerService } from '@nestjs/common';
import { Keyring, loadKeyring } from '@act/server/secrets';
import type { AppConfig } from '@act/server/platform';

/**
 * The keys that encrypt provider credentials: CREDENTIAL_KEYS, else a key file generated in
 * DATA_DIR (an in-memory database gets an in-memory key: both vanish together).
 */
export function credentialKeyring(config: AppConfig, logger: LoggerService): Keyring {
  if (!config.CREDENTIAL_KEYS && config.DATA_DIR.startsWith('memory://')) return Keyring.parse(Keyring.generateKeyString('ephemeral'));
  const loaded = loadKeyring({ env: { CREDENTIAL_KEYS: config.CREDENTIAL_KEYS }, dataDir: config.DATA_DIR });
  if (loaded.source === 'key-file') {
    logger.warn(
      `Provider credentials are encrypted with a key kept in ${loaded.keyFile}${loaded.generated ? ' (just generated)' : ''}. ` +
        'In production set CREDENTIAL_KEYS and keep it apart from the database and its backups.',
    );
  }
  return loaded.keyring;
}
