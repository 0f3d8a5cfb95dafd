import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { InvalidKeyringError } from './errors';

/** AES-256 wants exactly 32 bytes. */
export const KEY_BYTES = 32;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

// Standard base64 only (what `openssl rand -base64 32` and generateKeyString print), with padding.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The encryption keys, parsed from `CREDENTIAL_KEYS="k2:<base64>,k1:<base64>"`. The first entry
 * is the active key: everything new is sealed under it. The others only decrypt, so a rotation is
 * "put the new key first, keep the old one after it, run rotateAll, then drop the old one".
 *
 * Keys are held as KeyObjects, whose bytes do not show up in a console.log or JSON dump.
 */
export class Keyring {
  private constructor(
    private readonly keys: ReadonlyMap<string, KeyObject>,
    readonly activeKeyId: string,
  ) {}

  /**
   * Parses and strictly validates a key string. `source` names where it came from in error
   * messages (the variable, or the key file's path). Messages name entries and key ids, never
   * key material.
   */
  static parse(value: string | undefined, source = 'CREDENTIAL_KEYS'): Keyring {
    const text = value?.trim() ?? '';
    if (!text) throw new InvalidKeyringError(`${source} is empty: it needs at least one "id:<base64 32 bytes>" entry.`);
    const keys = new Map<string, KeyObject>();
    text.split(',').forEach((raw, index) => {
      const where = `${source}, entry ${index + 1}`;
      const entry = raw.trim();
      if (!entry) throw new InvalidKeyringError(`${where} is empty (stray comma?).`);
      const colon = entry.indexOf(':');
      if (colon < 0) throw new InvalidKeyringError(`${where} is not of the form "id:<base64 32 bytes>".`);
      const id = entry.slice(0, colon).trim();
      const encoded = entry.slice(colon + 1).trim();
      assertKeyId(id, where);
      if (keys.has(id)) throw new InvalidKeyringError(`${where}: key id "${id}" appears more than once.`);
      keys.set(id, createSecretKey(decodeKey(encoded, `${where} (key "${id}")`)));
    });
    return new Keyring(keys, [...keys.keys()][0]);
  }

  /** A fresh `id:<base64>` entry, for CREDENTIAL_KEYS or the key file. */
  static generateKeyString(id: string): string {
    assertKeyId(id, 'generateKeyString');
    return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
  }

  /** All key ids, the active one first. */
  get keyIds(): readonly string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** The key for `keyId`, or undefined. Only the sealing functions need this. */
  key(keyId: string): KeyObject | undefined {
    return this.keys.get(keyId);
  }

  /** Safe to log: ids only. */
  toJSON(): { activeKeyId: string; keyIds: readonly string[] } {
    return { activeKeyId: this.activeKeyId, keyIds: this.keyIds };
  }
}

function assertKeyId(id: string, where: string): void {
  if (!KEY_ID_PATTERN.test(id)) {
    throw new InvalidKeyringError(
      // The id is not echoed: when the entry is written backwards it would be the key itself.
      `${where}: the key id (before ":") is invalid; use 1 to 32 letters, digits, "_" or "-".`,
    );
  }
}

function decodeKey(encoded: string, where: string): Buffer {
  const bytes = Buffer.from(encoded, 'base64');
  // Node's decoder skips characters it does not know; re-encoding catches those, missing
  // padding and truncation, so a typo is an error and not a silently different key.
  if (!BASE64.test(encoded) || bytes.toString('base64') !== encoded) {
    throw new InvalidKeyringError(`${where} is not valid base64. Generate one with: openssl rand -base64 32`);
  }
  if (bytes.length !== KEY_BYTES) {
    throw new InvalidKeyringError(
      `${where} is ${bytes.length} bytes; AES-256 needs exactly ${KEY_BYTES}. Generate one with: openssl rand -base64 32`,
    );
  }
  return bytes;
}
