import { randomUUID } from 'node:crypto';
import type { SqlDatabase, SqlExecutor } from '@act/server/database';
import { CredentialDecryptionError, CredentialNotFoundError } from './errors';
import type { Keyring } from './keyring';
import { maskSecret } from './mask-secret';
import { decryptSecret, encryptSecret, type SealedSecret } from './seal';

/**
 * Lives in the same database as the event log, but outside it: events are immutable and could
 * never be re-encrypted or shredded, so they carry only the credential id.
 */
const SCHEMA = `
create table if not exists credential_vault (
  credential_id uuid primary key,
  owner_id text not null,
  key_id text not null,
  iv text not null,
  tag text not null,
  ciphertext text not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);
create index if not exists credential_vault_owner_idx on credential_vault (owner_id);
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface VaultRow {
  credential_id: string;
  owner_id: string;
  key_id: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface StoredCredential {
  credentialId: string;
  /** Safe to show and to put in events, e.g. `sk-admin-…a1b2`. */
  hint: string;
}

/** One vault row as stored, still encrypted: for backups. */
export interface SealedCredential {
  credentialId: string;
  ownerId: string;
  sealed: SealedSecret;
  createdAt: string;
  rotatedAt: string | null;
}

export interface RotationProgress {
  /** Rows re-encrypted so far, this batch included. */
  rotated: number;
}

export interface RotateOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** Called after each batch has committed (progress logging; tests use it to simulate a crash). */
  onBatchCommitted?: (progress: RotationProgress) => void | Promise<void>;
}

export interface RotationResult {
  /** Rows this run moved to the active key. */
  rotated: number;
  /** Rows that were already under the active key when the run began. */
  alreadyCurrent: number;
}

/**
 * Encrypted provider credentials, one row per credential version: a new key from the user is a
 * new row with a new id (the event records the switch), so plaintext is never updated in place.
 * Rows are bound to their owner (the account id) through the AAD.
 */
export class CredentialVault {
  constructor(
    private readonly db: SqlDatabase,
    private readonly keyring: Keyring,
  ) {}

  /** Creates the table if missing. Safe to run on every start. */
  async migrate(): Promise<void> {
    await this.db.exec(SCHEMA);
  }

  store(ownerId: string, plaintext: string): Promise<StoredCredential> {
    return this.storeWithin(this.db, ownerId, plaintext);
  }

  /**
   * `store` inside a transaction the caller owns, so the vault row commits or rolls back together
   * with the event that references it.
   */
  async storeWithin(tx: SqlExecutor, ownerId: string, plaintext: string): Promise<StoredCredential> {
    if (!ownerId) throw new TypeError('A credential needs an owner id.');
    if (!plaintext) throw new TypeError('An empty credential cannot be stored.');
    const credentialId = randomUUID();
    const sealed = encryptSecret(this.keyring, plaintext, ownerId);
    await tx.query(
      `insert into credential_vault (credential_id, owner_id, key_id, iv, tag, ciphertext)
       values ($1, $2, $3, $4, $5, $6)`,
      [credentialId, ownerId, sealed.keyId, sealed.iv, sealed.tag, sealed.ciphertext],
    );
    return { credentialId, hint: maskSecret(plaintext) };
  }

  /**
   * The plaintext. Throws CredentialNotFoundError when no such credential belongs to `ownerId`,
   * CredentialDecryptionError when the row was tampered with or moved to this owner from another,
   * UnknownCredentialKeyError when its key is no longer in CREDENTIAL_KEYS.
   */
  async reveal(credentialId: string, ownerId: string): Promise<string> {
    if (!UUID.test(credentialId)) throw new CredentialNotFoundError(credentialId);
    const [row] = await this.db.query<VaultRow>(
      `select credential_id::text, owner_id, key_id, iv, tag, ciphertext
         from credential_vault where credential_id = $1 and owner_id = $2`,
      [credentialId, ownerId],
    );
    if (!row) throw new CredentialNotFoundError(credentialId);
    return this.open(row);
  }

  /** Deletes one credential for good (crypto-shredding). True when it existed. */
  async destroy(credentialId: string): Promise<boolean> {
    if (!UUID.test(credentialId)) return false;
    const deleted = await this.db.query('delete from credential_vault where credential_id = $1 returning 1 as one', [
      credentialId,
    ]);
    return deleted.length > 0;
  }

  /** Deletes every credential version of an owner (a disconnected account). Returns how many. */
  async destroyAllFor(ownerId: string): Promise<number> {
    const deleted = await this.db.query('delete from credential_vault where owner_id = $1 returning 1 as one', [
      ownerId,
    ]);
    return deleted.length;
  }

  /** How many credentials each key id seals: an old key may leave CREDENTIAL_KEYS once it is at zero. */
  async countByKey(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ key_id: string; count: number }>(
      'select key_id, count(*)::int as count from credential_vault group by key_id order by key_id',
    );
    return Object.fromEntries(rows.map((row) => [row.key_id, row.count]));
  }

  /**
   * Re-encrypts every credential not under the active key, `batchSize` rows per transaction.
   * Progress is the data itself (a row is done when its key_id is the active one), so a run cut
   * short anywhere leaves committed batches done and the rest untouched, and the next run simply
   * carries on. A row it cannot decrypt stops the run with that error instead of being skipped.
   */
  async rotateAll(options: RotateOptions = {}): Promise<RotationResult> {
    const batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer.');
    const active = this.keyring.activeKeyId;
    const [current] = await this.db.query<{ count: number }>(
      'select count(*)::int as count from credential_vault where key_id = $1',
      [active],
    );
    let rotated = 0;
    for (;;) {
      const done = await this.db.transaction((tx) => this.rotateBatch(tx, active, batchSize));
      if (done === 0) break;
      rotated += done;
      await options.onBatchCommitted?.({ rotated });
    }
    return { rotated, alreadyCurrent: current?.count ?? 0 };
  }

  /** Every row, still sealed, in credential id order: for backups. Reads page by page. */
  async *exportSealed(pageSize = 500): AsyncGenerator<SealedCredential> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.db.query<VaultRow & { created_at: string; rotated_at: string | null }>(
        `select credential_id::text, owner_id, key_id, iv, tag, ciphertext,
                to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
                to_char(rotated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as rotated_at
           from credential_vault where credential_id > $1 order by credential_id limit $2`,
        [after, pageSize],
      );
      for (const row of rows) {
        yield {
          credentialId: row.credential_id,
          ownerId: row.owner_id,
          sealed: sealedOf(row),
          createdAt: row.created_at,
          rotatedAt: row.rotated_at,
        };
      }
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].credential_id;
    }
  }

  private async rotateBatch(tx: SqlExecutor, active: string, batchSize: number): Promise<number> {
    // SKIP LOCKED lets two instances rotating at once share the work instead of queueing.
    const rows = await tx.query<VaultRow>(
      `select credential_id::text, owner_id, key_id, iv, tag, ciphertext
         from credential_vault where key_id <> $1
        order by credential_id limit $2 for update skip locked`,
      [active, batchSize],
    );
    for (const row of rows) {
      const resealed = encryptSecret(this.keyring, this.open(row), row.owner_id);
      await tx.query(
        `update credential_vault set key_id = $2, iv = $3, tag = $4, ciphertext = $5, rotated_at = now()
          where credential_id = $1`,
        [row.credential_id, resealed.keyId, resealed.iv, resealed.tag, resealed.ciphertext],
      );
    }
    return rows.length;
  }

  private open(row: VaultRow): string {
    try {
      return decryptSecret(this.keyring, sealedOf(row), row.owner_id);
    } catch (error) {
      // Name the row, so an operator can find the one that will not open.
      if (error instanceof CredentialDecryptionError) throw new CredentialDecryptionError(row.credential_id);
      throw error;
    }
  }
}

function sealedOf(row: VaultRow): SealedSecret {
  return { keyId: row.key_id, iv: row.iv, tag: row.tag, ciphertext: row.ciphertext };
}
