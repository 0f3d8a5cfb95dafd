export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'ai-cost-tracker';
export const JWT_AUDIENCE = 'ai-cost-tracker-api';

/** What an access token says: who (sub), which session (sid), instance administrator (adm). */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  adm?: boolean;
}
