/** Injection tokens of the identity module. */
export const SESSION_STORE = Symbol('SessionStore');
export const MAILER = Symbol('Mailer');
/** The secret access tokens are signed with: JWT_SECRET, or one the instance generated and keeps. */
export const JWT_SECRET_VALUE = Symbol('JwtSecretValue');
