import { DomainRuleViolation } from '@act/domain/event-sourcing';

// Deliberately simple: one @, something on each side, a dot in the domain, no spaces. The
// definitive check is that the invitation e-mail arrives; RFC 5322 in full admits addresses
// no user means to type.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims and lower-cases an e-mail address so that one person has one address. */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new DomainRuleViolation('email.invalid', `"${raw.trim().slice(0, 80)}" is not an e-mail address.`);
  }
  return email;
}

export const MIN_PASSWORD_LENGTH = 12;
/** argon2 hashes any length, but a megabyte "password" is a denial-of-service, not a secret. */
export const MAX_PASSWORD_LENGTH = 256;

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainRuleViolation(
      'password.too-short',
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters (it has ${password.length}). A few unrelated words make a strong, memorable one.`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainRuleViolation('password.too-long', `The password may have at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
}

export function checkName(what: string, raw: string, max = 100): string {
  const name = raw.trim();
  if (name.length === 0) throw new DomainRuleViolation(`${what}.empty`, `The ${what} may not be empty.`);
  if (name.length > max) throw new DomainRuleViolation(`${what}.too-long`, `The ${what} may have at most ${max} characters.`);
  return name;
}
