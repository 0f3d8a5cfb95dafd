import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SqlDatabase, SqlExecutor } from '@act/server/database';

export interface IssuedRefreshToken {
  readonly familyId: string;
  readonly userId: string;
  /** `<familyId>.<secret>`: goes to the client in the cookie only; the database keeps its hash. */
  readonly token: string;
  readonly expiresAt: Date;
}

export type RefreshOutcome =
  | { kind: 'rotated'; issued: IssuedRefreshToken }
  | { kind: 'invalid' }
  /** A token that was already exchanged came back: someone holds a copy. The family is revoked. */
  | { kind: 'reused'; familyId: string; userId: string };

/**
 * Sessions as rotating refresh-token families (OAuth 2.0 Security BCP, §4.14): every refresh
 * exchanges the token for a new one of the same family; presenting an exchanged token again
 * revokes the whole family, which signs out both the thief and the victim. Signing out revokes
 * the family too, and access tokens name their family, so they stop working at once.
 *
 * This is session state, not business history, so it lives in plain tables rather than the
 * event log; sign-ins themselves are recorded as events for the security log.
 */
export class SessionStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly ttlDays: number,
  ) {}

  async migrate(): Promise<void> {
    await this.db.query(`
      create table if not exists auth_session_families (
        family_id uuid primary key,
        user_id text not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await this.db.query(`
      create table if not exists auth_refresh_tokens (
        token_hash text primary key,
        family_id uuid not null references auth_session_families (family_id) on delete cascade,
        issued_at timestamptz not null default now(),
        expires_at timestamptz not null,
        exchanged_at timestamptz
      )`);
    await this.db.query(`create index if not exists auth_refresh_tokens_family on auth_refresh_tokens (family_id)`);
  }

  async start(userId: string): Promise<IssuedRefreshToken> {
    const familyId = randomUUID();
    return this.db.transaction(async (tx) => {
      await tx.query(`insert into auth_session_families (family_id, user_id) values ($1, $2)`, [familyId, userId]);
      return this.issue(tx, familyId, userId);
    });
  }

  async refresh(token: string): Promise<RefreshOutcome> {
    const familyId = familyOf(token);
    if (!familyId) return { kind: 'invalid' };
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ user_id: string; revoked: boolean; exchanged: boolean; expired: boolean }>(
        `select f.user_id, f.revoked_at is not null as revoked, t.exchanged_at is not null as exchanged, t.expires_at <= now() as expired
           from auth_refresh_tokens t join auth_session_families f using (family_id)
          where t.token_hash = $1 and t.family_id = $2
          for update of t, f`,
        [hashToken(token), familyId],
      );
      const row = rows[0];
      if (!row || row.revoked || row.expired) return { kind: 'invalid' } as const;
      if (row.exchanged) {
        await revoke(tx, familyId, 'refresh-token-reused');
        return { kind: 'reused', familyId, userId: row.user_id } as const;
      }
      await tx.query(`update auth_refresh_tokens set exchanged_at = now() where token_hash = $1`, [hashToken(token)]);
      return { kind: 'rotated', issued: await this.issue(tx, familyId, row.user_id) } as const;
    });
  }

  /** Signs a session out. Accepts any token of the family, even an exchanged one. */
  async revokeByToken(token: string): Promise<void> {
    const familyId = familyOf(token);
    if (!familyId) return;
    const rows = await this.db.query(`select 1 from auth_refresh_tokens where token_hash = $1 and family_id = $2`, [hashToken(token), familyId]);
    if (rows.length > 0) await revoke(this.db, familyId, 'signed-out');
  }

  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await revoke(this.db, familyId, reason);
  }

  /** Whether access tokens of this family are still honoured. */
  async isActive(familyId: string): Promise<boolean> {
    const rows = await this.db.query(`select 1 from auth_session_families where family_id = $1 and revoked_at is null`, [familyId]);
    return rows.length > 0;
  }

  private async issue(tx: SqlExecutor, familyId: string, userId: string): Promise<IssuedRefreshToken> {
    const token = `${familyId}.${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + this.ttlDays * 86_400_000);
    await tx.query(`insert into auth_refresh_tokens (token_hash, family_id, expires_at) values ($1, $2, $3)`, [hashToken(token), familyId, expiresAt.toISOString()]);
    return { familyId, userId, token, expiresAt };
  }
}

async function revoke(db: SqlExecutor, familyId: string, reason: string): Promise<void> {
  await db.query(`update auth_session_families set revoked_at = now(), revoked_reason = $2 where family_id = $1 and revoked_at is null`, [familyId, reason]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function familyOf(token: string): string | null {
  const familyId = token.split('.')[0];
  return token.length < 200 && UUID.test(familyId) ? familyId : null;
}

/** Refresh tokens carry 256 random bits: a plain SHA-256 is enough to make the stored value useless. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
