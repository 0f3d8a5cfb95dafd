import argon2 from 'argon2';

/**
 * argon2id with the library's defaults (64 MiB, 3 passes, parallelism 4): OWASP's recommended
 * family; the parameters live in each hash, so raising them later keeps old hashes valid.
 */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time of a real verification when the e-mail is unknown, so response times do
 * not tell which addresses have an account.
 */
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('decoy-password-for-unknown-users');
  await verifyPassword(await decoy, password);
  return false;
}
