import { randomBytes } from 'node:crypto';
import { InvalidKeyringError } from './errors';
import { Keyring } from './keyring';

const key = (bytes = 32) => randomBytes(bytes).toString('base64');

describe('Keyring', () => {
  it('makes the first entry the active key and keeps the others for decryption', () => {
    const keyring = Keyring.parse(` k2:${key()} , k1:${key()},old_key-0:${key()} `);
    expect(keyring.activeKeyId).toBe('k2');
    expect(keyring.keyIds).toEqual(['k2', 'k1', 'old_key-0']);
    expect(keyring.has('k1')).toBe(true);
    expect(keyring.has('k3')).toBe(false);
  });

  it.each([
    ['undefined', undefined, /CREDENTIAL_KEYS is empty/],
    ['blank', '  ', /CREDENTIAL_KEYS is empty/],
    ['no colon', key(), /entry 1 is not of the form "id:<base64 32 bytes>"/],
    ['a stray comma', `k1:${key()},`, /entry 2 is empty/],
    ['an empty id', `:${key()}`, /entry 1: the key id .* is invalid/],
    ['an id with a space', `my key:${key()}`, /entry 1: the key id .* is invalid/],
    ['an id of 33 characters', `${'a'.repeat(33)}:${key()}`, /is invalid; use 1 to 32 letters/],
    ['a duplicate id', `k1:${key()},k1:${key()}`, /entry 2: key id "k1" appears more than once/],
    ['characters outside base64', `k1:${key().replace(/.$/, '!')}`, /entry 1 \(key "k1"\) is not valid base64/],
    ['missing padding', `k1:${key().replace(/=+$/, '')}`, /entry 1 \(key "k1"\) is not valid base64/],
    ['base64url instead of base64', `k1:${'-_'.repeat(21)}A=`, /not valid base64/],
    ['a 16-byte key', `k1:${key(16)}`, /entry 1 \(key "k1"\) is 16 bytes; AES-256 needs exactly 32/],
    ['a 64-byte key', `k1:${key(64)}`, /is 64 bytes; AES-256 needs exactly 32/],
  ])('rejects %s with a clear message', (_case, value, message) => {
    expect(() => Keyring.parse(value)).toThrow(InvalidKeyringError);
    expect(() => Keyring.parse(value)).toThrow(message);
  });

  it('names the source it was given, e.g. the key file', () => {
    expect(() => Keyring.parse('k1:abc', '/data/credential-keys')).toThrow(/^\/data\/credential-keys, entry 1/);
  });

  it('never echoes key material in its errors, even for an entry written backwards', () => {
    const material = key();
    for (const value of [`${material}:k1`, `k1:${material.slice(0, -4)}`, `k1:${material}!`]) {
      let message = '';
      try {
        Keyring.parse(value);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(material.slice(0, 12));
    }
  });

  it('generates key strings that parse, each one different', () => {
    const first = Keyring.generateKeyString('k3');
    const second = Keyring.generateKeyString('k3');
    expect(first).toMatch(/^k3:[A-Za-z0-9+/]{43}=$/);
    expect(first).not.toBe(second);
    expect(Keyring.parse(`${first},${Keyring.generateKeyString('k2')}`).keyIds).toEqual(['k3', 'k2']);
    expect(() => Keyring.generateKeyString('no spaces')).toThrow(InvalidKeyringError);
  });

  it('shows ids, never key bytes, when serialised', () => {
    const entry = Keyring.generateKeyString('k1');
    const material = entry.slice(3);
    const keyring = Keyring.parse(entry);
    expect(JSON.stringify(keyring)).toBe('{"activeKeyId":"k1","keyIds":["k1"]}');
    expect(JSON.stringify(keyring)).not.toContain(material);
  });
});
