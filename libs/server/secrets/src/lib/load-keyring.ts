import { loadOrCreateKeyFile } from './key-file';
import { Keyring } from './keyring';

export interface LoadedKeyring {
  keyring: Keyring;
  /** Where the keys came from: the environment (production) or the key file (zero-config). */
  source: 'environment' | 'key-file';
  /** The key file's path, when it was used. */
  keyFile?: string;
  /** True when the key file was created just now. */
  generated: boolean;
}

/**
 * CREDENTIAL_KEYS when set, else the key file in `dataDir` (created on first use). The caller
 * should log a warning whenever `source` is 'key-file': see loadOrCreateKeyFile for why.
 */
export function loadKeyring(options: {
  env?: Readonly<Record<string, string | undefined>>;
  dataDir?: string;
}): LoadedKeyring {
  const fromEnv = (options.env ?? process.env)['CREDENTIAL_KEYS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { keyring: Keyring.parse(fromEnv), source: 'environment', generated: false };
  }
  if (!options.dataDir) {
    throw new Error('CREDENTIAL_KEYS is not set and there is no data directory to keep a generated key in.');
  }
  const file = loadOrCreateKeyFile(options.dataDir);
  return {
    keyring: Keyring.parse(file.keys, file.path),
    source: 'key-file',
    keyFile: file.path,
    generated: file.generated,
  };
}
