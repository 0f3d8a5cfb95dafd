import { createGunzip, createGzip } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SqlDatabase, SqlExecutor } from '@act/server/database';
import { PostgresEventStore } from '@act/server/event-store';

export const BACKUP_FORMAT = 'ai-cost-tracker-backup';
export const BACKUP_VERSION = 1;

/**
 * Backups read and write the PostgreSQL event store's tables (and keep its global positions);
 * a KurrentDB log cannot be restored with its positions, so it is backed up with KurrentDB's
 * own tools instead.
 */
export const KURRENTDB_BACKUP_MESSAGE =
  'Backup and restore cover the PostgreSQL event store only. With EVENT_STORE=kurrentdb, back up KurrentDB with its own ' +
  'backup tools and the PostgreSQL database (read models, credential vault) with pg_dump; see docs/scaling.md.';
const PAGE = 5_000;

/**
 * What a backup holds: the event log (the source of truth: every read model is rebuilt from
 * it) and the credential vault (ciphertexts only: restore needs the same CREDENTIAL_KEYS).
 * Sessions, leases and read models are left out on purpose. One gzip-compressed JSON line per
 * record: a header, the events in log order, the vault rows, and a footer with the counts that
 * restore checks, so a truncated file is refused rather than half-restored.
 */
type BackupLine =
  | { kind: 'header'; format: typeof BACKUP_FORMAT; version: number; createdAt: string; driver: string }
  | { kind: 'event'; p: string; id: string; s: string; r: string; t: string; d: unknown; m: unknown; at: string }
  | { kind: 'credential'; id: string; owner: string; key: string; iv: string; tag: string; c: string; at: string; rotated: string | null }
  | { kind: 'footer'; events: number; credentials: number; headPosition: string };

export interface BackupSummary {
  events: number;
  credentials: number;
  headPosition: string;
}

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/**
 * Writes a consistent snapshot (one repeatable-read transaction) while the product keeps
 * running: appends committed after the snapshot began are simply not in this backup.
 */
export async function writeBackup(db: SqlDatabase, out: Writable): Promise<BackupSummary> {
  const gzip = createGzip();
  const done = pipeline(gzip, out);
  const write = (line: BackupLine) =>
    new Promise<void>((resolve, reject) => {
      const ok = gzip.write(`${JSON.stringify(line)}\n`, (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else gzip.once('drain', resolve);
    });
  const summary = await db.transaction(async (tx) => {
    if (db.driver === 'postgresql') await tx.query('set transaction isolation level repeatable read');
    await write({ kind: 'header', format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), driver: db.driver });
    let after = '0';
    let events = 0;
    for (;;) {
      const rows = await tx.query<{ p: string; id: string; s: string; r: string; t: string; d: string; m: string; at: string }>(
        `select global_position::text as p, event_id::text as id, stream_id as s, stream_position::text as r, type as t,
                data::text as d, metadata::text as m, to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
           from es_events where es_events.global_position > $1::bigint order by es_events.global_position limit ${PAGE}`,
        [after],
      );
      for (const row of rows) await write({ kind: 'event', ...row, d: JSON.parse(row.d), m: JSON.parse(row.m) });
      events += rows.length;
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].p;
    }
    const credentials = await vaultRows(tx);
    for (const row of credentials) await write(row);
    const headPosition = events > 0 ? (await tx.query<{ p: string }>('select max(global_position)::text as p from es_events'))[0].p : '0';
    const footer = { kind: 'footer' as const, events, credentials: credentials.length, headPosition };
    await write(footer);
    return { events, credentials: credentials.length, headPosition };
  });
  gzip.end();
  await done;
  return summary;
}

async function vaultRows(tx: SqlExecutor): Promise<Extract<BackupLine, { kind: 'credential' }>[]> {
  const exists = await tx.query(`select 1 from information_schema.tables where table_schema = current_schema() and table_name = 'credential_vault'`);
  if (exists.length === 0) return [];
  const rows = await tx.query<{ id: string; owner: string; key: string; iv: string; tag: string; c: string; at: string; rotated: string | null }>(
    `select credential_id::text as id, owner_id as owner, key_id as key, iv, tag, ciphertext as c,
            to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
            to_char(rotated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as rotated
       from credential_vault order by credential_id`,
  );
  return rows.map((row) => ({ kind: 'credential', ...row }));
}

/**
 * Restores a backup into an empty database, all or nothing (one transaction). The read models
 * are not in the file: the projection runner rebuilds them from the restored log when the
 * product starts on this database.
 */
export async function restoreBackup(db: SqlDatabase, input: Readable): Promise<BackupSummary> {
  await new PostgresEventStore(db).migrate();
  await db.exec(`create table if not exists credential_vault (
    credential_id uuid primary key, owner_id text not null, key_id text not null, iv text not null, tag text not null,
    ciphertext text not null, created_at timestamptz not null default now(), rotated_at timestamptz);
    create index if not exists credential_vault_owner_idx on credential_vault (owner_id);`);
  const [{ n }] = await db.query<{ n: string }>('select count(*)::text as n from es_events');
  if (n !== '0') {
    throw new BackupError(`Restore refused: this database already holds ${n} events. Restore into a new, empty database (or drop this one first).`);
  }
  const lines = readLines(input);
  return db.transaction(async (tx) => {
    let header = false;
    let footer: Extract<BackupLine, { kind: 'footer' }> | null = null;
    let events: Extract<BackupLine, { kind: 'event' }>[] = [];
    let eventCount = 0;
    let credentialCount = 0;
    const flush = async () => {
      if (events.length === 0) return;
      await tx.query(
        `insert into es_events (global_position, event_id, stream_id, stream_position, type, data, metadata, recorded_at)
         overriding system value
         select (e->>'p')::bigint, (e->>'id')::uuid, e->>'s', (e->>'r')::bigint, e->>'t', e->'d', e->'m', (e->>'at')::timestamptz
           from jsonb_array_elements($1::jsonb) as e`,
        [JSON.stringify(events)],
      );
      eventCount += events.length;
      events = [];
    };
    try {
      for await (const text of lines) {
        if (!text.trim()) continue;
        if (footer) throw new BackupError('The backup has data after its footer: it is not a file this product wrote.');
        const line = JSON.parse(text) as BackupLine;
        if (!header) {
          if (line.kind !== 'header' || line.format !== BACKUP_FORMAT) throw new BackupError('This is not an AI Cost Tracker backup (no header).');
          if (line.version > BACKUP_VERSION) throw new BackupError(`The backup is format version ${line.version}; this product reads up to ${BACKUP_VERSION}. Upgrade first.`);
          header = true;
          continue;
        }
        if (line.kind === 'event') {
          events.push(line);
          if (events.length >= PAGE) await flush();
        } else if (line.kind === 'credential') {
          await flush();
          await tx.query(
            `insert into credential_vault (credential_id, owner_id, key_id, iv, tag, ciphertext, created_at, rotated_at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [line.id, line.owner, line.key, line.iv, line.tag, line.c, line.at, line.rotated],
          );
          credentialCount++;
        } else if (line.kind === 'footer') {
          await flush();
          footer = line;
        }
      }
    } catch (error) {
      if (error instanceof BackupError) throw error;
      throw new BackupError(`The backup could not be read (${(error as Error).message}): it may be truncated or damaged. Nothing was restored.`);
    }
    if (!footer) throw new BackupError('The backup ends without its footer: it is truncated. Nothing was restored.');
    if (footer.events !== eventCount || footer.credentials !== credentialCount) {
      throw new BackupError(`The backup is inconsistent (footer: ${footer.events} events, ${footer.credentials} credentials; read: ${eventCount}, ${credentialCount}). Nothing was restored.`);
    }
    await tx.query(`insert into es_streams (stream_id, revision) select stream_id, max(stream_position) from es_events group by stream_id`);
    if (eventCount > 0) {
      await tx.query(`select setval(pg_get_serial_sequence('es_events', 'global_position'), (select max(global_position) from es_events))`);
    }
    return { events: eventCount, credentials: credentialCount, headPosition: footer.headPosition };
  });
}

/** The file's lines, decompressed; a damaged file rejects the iteration (readline would hang instead). */
async function* readLines(input: Readable): AsyncGenerator<string> {
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  let rest = '';
  for await (const chunk of input.pipe(gunzip)) {
    const text = rest + (chunk as Buffer).toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    yield* lines;
  }
  if (rest) yield rest;
}
