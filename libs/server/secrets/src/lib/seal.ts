import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CredentialDecryptionError, UnknownCredentialKeyError } from './errors';
import type { Keyring } from './keyring';

const ALGORITHM = 'aes-256-gcm';
/** 96-bit IVs are GCM's native size; random ones are safe far beyond any credential count. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** An encrypted secret, every part base64: what the vault table stores. */
export interface SealedSecret {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/**
 * Encrypts `plaintext` under the keyring's active key. `aad` (additional authenticated data)
 * is not stored but must be given again to decrypt: passing the owner's id binds the
 * ciphertext to that owner, so a sealed value copied onto another owner fails to open.
 */
export function encryptSecret(keyring: Keyring, plaintext: string, aad: string): SealedSecret {
  assertAad(aad);
  const keyId = keyring.activeKeyId;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, activeKey(keyring), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    keyId,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/**
 * Decrypts a sealed secret with the key it names. Throws UnknownCredentialKeyError when the
 * keyring lacks that key, and CredentialDecryptionError when anything was altered or `aad`
 * differs from the one it was sealed with.
 */
export function decryptSecret(keyring: Keyring, sealed: SealedSecret, aad: string): string {
  assertAad(aad);
  const key = keyring.key(sealed.keyId);
  if (!key) throw new UnknownCredentialKeyError(sealed.keyId, keyring.keyIds);
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  // A truncated tag would weaken authentication (GCM accepts short tags), so insist on 16 bytes.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new CredentialDecryptionError();
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    // Node says "Unsupported state or unable to authenticate data"; ours says what it means.
    throw new CredentialDecryptionError();
  }
}

function activeKey(keyring: Keyring) {
  const key = keyring.key(keyring.activeKeyId);
  if (!key) throw new Error('Keyring has no active key'); // unreachable: parse guarantees one
  return key;
}

function assertAad(aad: string): void {
  // An empty AAD would silently drop the owner binding: a caller bug, not a choice.
  if (!aad) throw new TypeError('encryptSecret/decryptSecret need a non-empty aad (the owner id).');
}
