import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidKeyringError } from './errors';
import { Keyring } from './keyring';

export const KEY_FILE_NAME = 'credential-keys';

export interface KeyFile {
  /** The key string, in CREDENTIAL_KEYS format. */
  keys: string;
  path: string;
  /** True when this call created the file: the caller should warn that production wants CREDENTIAL_KEYS. */
  generated: boolean;
}

/**
 * The zero-config fallback when CREDENTIAL_KEYS is unset: the keys live in
 * `<dataDir>/credential-keys` (mode 0600), generated on first start. Production should set
 * CREDENTIAL_KEYS instead: a key sitting next to the data it protects guards against a leaked
 * database dump, not against a stolen disk or backup of the data directory, and losing the file
 * makes every stored credential unreadable.
 *
 * The file holds the same entries as CREDENTIAL_KEYS, one per line or comma-separated, active
 * key first; lines starting with `#` are comments.
 */
export function loadOrCreateKeyFile(dataDir: string): KeyFile {
  const path = join(dataDir, KEY_FILE_NAME);
  const existing = readKeyFile(path);
  if (existing !== undefined) return { keys: existing, path, generated: false };

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keys = Keyring.generateKeyString('k1');
  // Written in full under a temporary name, then hard-linked into place: a link never replaces
  // an existing file, so of two processes starting at once exactly one key wins and both use
  // it, and a crash mid-write never leaves a half-written key file behind.
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, keyFileText(keys), { mode: 0o600, flag: 'wx' });
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readKeyFile(path);
    if (winner === undefined) throw error;
    return { keys: winner, path, generated: false };
  } finally {
    rmSync(temporary, { force: true });
  }
  return { keys, path, generated: true };
}

/** The key file's entries joined as CREDENTIAL_KEYS would be, or undefined when there is no file. */
function readKeyFile(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  // An existing but empty file is an error, never a reason to generate a new key: the
  // credentials sealed under the lost one would become unreadable without anyone noticing.
  if (entries.length === 0) throw new InvalidKeyringError(`${path} holds no keys.`);
  return entries.join(',');
}

function keyFileText(keys: string): string {
  return [
    '# Credential encryption keys for the AI cost tracker, generated because CREDENTIAL_KEYS was not set.',
    '# Keep this file: without it the stored provider credentials cannot be decrypted.',
    '# In production, set CREDENTIAL_KEYS instead (same format) and keep it apart from the data.',
    '# The first key encrypts; the others only decrypt until rotation has moved everything over.',
    keys,
    '',
  ].join('\n');
}
