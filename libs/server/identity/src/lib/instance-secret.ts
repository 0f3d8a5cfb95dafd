import { randomBytes } from 'node:crypto';
import { sqlState, type SqlDatabase } from '@act/server/database';

const resolved = new WeakMap<SqlDatabase, Map<string, Promise<string>>>();

/**
 * A secret the instance generates once and keeps in its database, so every api process of the
 * instance agrees on it and restarts keep it (used to sign access tokens when JWT_SECRET is
 * unset). The first process to insert wins; the others read the winner's value.
 */
export function instanceSecret(db: SqlDatabase, name: string): Promise<string> {
  const byName = resolved.get(db) ?? new Map<string, Promise<string>>();
  resolved.set(db, byName);
  const existing = byName.get(name);
  if (existing) return existing;
  const secret = readOrCreate(db, name);
  byName.set(name, secret);
  return secret;
}

async function readOrCreate(db: SqlDatabase, name: string): Promise<string> {
  try {
    await db.query(`create table if not exists instance_secrets (name text primary key, value text not null, created_at timestamptz not null default now())`);
  } catch (error) {
    // Two processes creating the table at once: PostgreSQL lets one win and fails the other.
    if (sqlState(error) !== '23505' && sqlState(error) !== '42P07') throw error;
  }
  await db.query(`insert into instance_secrets (name, value) values ($1, $2) on conflict (name) do nothing`, [name, randomBytes(48).toString('base64url')]);
  const rows = await db.query<{ value: string }>(`select value from instance_secrets where name = $1`, [name]);
  return rows[0].value;
}
