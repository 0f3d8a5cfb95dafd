import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@act/server/secrets';
import { loadConfig } from '@act/server/platform';
import { credentialKeyring } from './keyring';

const warnings: string[] = [];
const logger = { warn: (message: string) => warnings.push(message), log: () => undefined, error: () => undefined };

describe('credential keyring from the configuration', () => {
  it('uses CREDENTIAL_KEYS when set, active key first', () => {
    const env = `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`;
    const keyring = credentialKeyring(loadConfig({ CREDENTIAL_KEYS: env, DATA_DIR: 'memory://' }), logger);
    expect(keyring.activeKeyId).toBe('k2');
    expect(keyring.keyIds).toEqual(['k2', 'k1']);
  });

  it('generates a private key file in DATA_DIR once, and warns that production should set CREDENTIAL_KEYS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'act-keys-'));
    try {
      warnings.length = 0;
      const first = credentialKeyring(loadConfig({ DATA_DIR: dir }), logger);
      const again = credentialKeyring(loadConfig({ DATA_DIR: dir }), logger);
      expect(again.activeKeyId).toBe(first.activeKeyId);
      expect(statSync(join(dir, 'credential-keys')).mode & 0o777).toBe(0o600);
      expect(warnings[0]).toMatch(/just generated.*CREDENTIAL_KEYS/);
      expect(warnings[1]).not.toMatch(/just generated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps an in-memory database’s key in memory too', () => {
    expect(credentialKeyring(loadConfig({ DATA_DIR: 'memory://' }), logger)).toBeInstanceOf(Keyring);
  });
});
