/**
 * The vault's errors. None of them ever carries key material or plaintext: their messages end
 * up in logs and API responses.
 */

/** CREDENTIAL_KEYS (or the key file) is malformed. Raised at start-up, before anything is encrypted. */
export class InvalidKeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeyringError';
  }
}

/**
 * A credential was sealed under a key the keyring does not hold: typically an old key was
 * dropped from CREDENTIAL_KEYS before `rotateAll` had re-encrypted everything under the new one.
 */
export class UnknownCredentialKeyError extends Error {
  constructor(
    readonly keyId: string,
    readonly availableKeyIds: readonly string[],
  ) {
    super(
      `This credential is encrypted with key "${keyId}", which is missing from CREDENTIAL_KEYS ` +
        `(it holds: ${availableKeyIds.join(', ')}). Add "${keyId}" back to CREDENTIAL_KEYS, after the active key, ` +
        'and keep it there until credential rotation has re-encrypted everything under the active key.',
    );
    this.name = 'UnknownCredentialKeyError';
  }
}

/**
 * Authentication failed: the ciphertext, IV or tag was altered, or the sealed value belongs to a
 * different owner (the AAD did not match). Deliberately one error for all: which part failed is
 * not something GCM can tell, and not something an attacker should learn.
 */
export class CredentialDecryptionError extends Error {
  constructor(readonly credentialId?: string) {
    super(
      `${credentialId ? `Credential ${credentialId}` : 'The credential'} could not be decrypted: ` +
        'it was altered, or it belongs to a different owner.',
    );
    this.name = 'CredentialDecryptionError';
  }
}

/** No credential with this id belongs to this owner (or it was destroyed). */
export class CredentialNotFoundError extends Error {
  constructor(readonly credentialId: string) {
    super(`Credential ${credentialId} does not exist for this owner.`);
    this.name = 'CredentialNotFoundError';
  }
}
