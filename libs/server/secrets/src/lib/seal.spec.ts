import { CredentialDecryptionError, UnknownCredentialKeyError } from './errors';
import { Keyring } from './keyring';
import { decryptSecret, encryptSecret, type SealedSecret } from './seal';

const k1 = Keyring.generateKeyString('k1');
const k2 = Keyring.generateKeyString('k2');
const secret = 'sk-admin-Zq8vR2mN4pL7xK1wT9yB3cD6fG0hJ5sA-a1b2';

/** Flips one bit of a base64 field. */
function flip(value: string, byte = 0): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[byte] ^= 0x01;
  return bytes.toString('base64');
}

describe('encryptSecret / decryptSecret', () => {
  const keyring = Keyring.parse(k1);

  it('round-trips, including non-ASCII text', () => {
    for (const plaintext of [secret, 'pässwörd 🔑', '{"type":"service_account"}']) {
      expect(decryptSecret(keyring, encryptSecret(keyring, plaintext, 'acc1'), 'acc1')).toBe(plaintext);
    }
  });

  it('seals under the active key with a fresh 12-byte IV and a 16-byte tag each time', () => {
    const a = encryptSecret(keyring, secret, 'acc1');
    const b = encryptSecret(keyring, secret, 'acc1');
    expect(a.keyId).toBe('k1');
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64')).toHaveLength(16);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(JSON.stringify(a)).not.toContain('sk-admin');
  });

  it.each<[string, (sealed: SealedSecret) => SealedSecret]>([
    ['ciphertext', (s) => ({ ...s, ciphertext: flip(s.ciphertext, 5) })],
    ['tag', (s) => ({ ...s, tag: flip(s.tag, 15) })],
    ['IV', (s) => ({ ...s, iv: flip(s.iv) })],
    [
      'tag, truncated to 12 bytes',
      (s) => ({ ...s, tag: Buffer.from(s.tag, 'base64').subarray(0, 12).toString('base64') }),
    ],
    [
      'ciphertext, truncated',
      (s) => ({ ...s, ciphertext: Buffer.from(s.ciphertext, 'base64').subarray(1).toString('base64') }),
    ],
  ])('refuses a tampered %s', (_part, tamper) => {
    const sealed = encryptSecret(keyring, secret, 'acc1');
    expect(() => decryptSecret(keyring, tamper(sealed), 'acc1')).toThrow(CredentialDecryptionError);
  });

  it('refuses a sealed value presented for another owner (AAD mismatch)', () => {
    const sealed = encryptSecret(keyring, secret, 'acc1');
    expect(() => decryptSecret(keyring, sealed, 'acc2')).toThrow(CredentialDecryptionError);
    expect(() => decryptSecret(keyring, sealed, 'acc2')).toThrow(/altered, or it belongs to a different owner/);
  });

  it('refuses a sealed value relabelled with another key id it does not belong to', () => {
    const both = Keyring.parse(`${k2},${k1}`);
    const sealed = encryptSecret(Keyring.parse(k1), secret, 'acc1');
    expect(() => decryptSecret(both, { ...sealed, keyId: 'k2' }, 'acc1')).toThrow(CredentialDecryptionError);
  });

  it('decrypts with an older key that is still in the keyring', () => {
    const sealed = encryptSecret(Keyring.parse(k1), secret, 'acc1');
    expect(decryptSecret(Keyring.parse(`${k2},${k1}`), sealed, 'acc1')).toBe(secret);
  });

  it('says which key id is missing from CREDENTIAL_KEYS', () => {
    const sealed = encryptSecret(Keyring.parse(k1), secret, 'acc1');
    const onlyK2 = Keyring.parse(k2);
    expect(() => decryptSecret(onlyK2, sealed, 'acc1')).toThrow(UnknownCredentialKeyError);
    expect(() => decryptSecret(onlyK2, sealed, 'acc1')).toThrow(
      'This credential is encrypted with key "k1", which is missing from CREDENTIAL_KEYS (it holds: k2).',
    );
    try {
      decryptSecret(onlyK2, sealed, 'acc1');
    } catch (error) {
      expect(error).toMatchObject({ keyId: 'k1', availableKeyIds: ['k2'] });
    }
  });

  it('insists on an AAD, so the owner binding cannot be forgotten', () => {
    expect(() => encryptSecret(keyring, secret, '')).toThrow(TypeError);
    const sealed = encryptSecret(keyring, secret, 'acc1');
    expect(() => decryptSecret(keyring, sealed, '')).toThrow(TypeError);
  });
});
