import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnEachEngine } from '../testing/test-databases';
import { redactUrl } from './open-database';
import { DataDirectoryInUseError, PgliteDatabase } from './pglite-database';
import { sqlState, SQLSTATE } from './sql-database';

describeOnEachEngine('SqlDatabase', (database) => {
  const db = () => database().db;

  beforeAll(async () => {
    await db().exec('create table if not exists t (id int primary key, note text)');
  });

  it('commits a transaction that resolves', async () => {
    await db().transaction(async (tx) => {
      await tx.query('insert into t values ($1, $2)', [1, 'kept']);
    });
    expect(await db().query('select note from t where id = 1')).toEqual([{ note: 'kept' }]);
  });

  it('rolls back everything a failing transaction wrote', async () => {
    const failed = await db()
      .transaction(async (tx) => {
        await tx.query('insert into t values ($1, $2)', [2, 'lost']);
        await tx.query('insert into t values ($1, $2)', [1, 'duplicate key']);
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(sqlState(failed)).toBe(SQLSTATE.uniqueViolation);
    expect(await db().query('select id from t where id = 2')).toEqual([]);
    // …and the database is usable afterwards.
    expect(await db().query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('passes JSON and bigints exactly as text', async () => {
    const [row] = await db().query<{ big: string; doc: unknown }>('select $1::bigint::text as big, $2::jsonb as doc', [
      '9223372036854775807',
      JSON.stringify({ amount: '0.000000001', list: [1, 'two'] }),
    ]);
    expect(row).toEqual({ big: '9223372036854775807', doc: { amount: '0.000000001', list: [1, 'two'] } });
  });
});

describe('PgliteDatabase data directory', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'act-pglite-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data across close and reopen, and releases its lock file', async () => {
    const first = await PgliteDatabase.open(dir);
    await first.exec('create table kept (v text); insert into kept values (\'still here\')');
    await first.close();
    expect(existsSync(join(dir, 'pglite.lock'))).toBe(false);
    const second = await PgliteDatabase.open(dir);
    expect(await second.query('select v from kept')).toEqual([{ v: 'still here' }]);
    await second.close();
  });

  it('refuses a directory another live process holds, and takes over a dead one', async () => {
    writeFileSync(join(dir, 'pglite.lock'), String(process.ppid));
    await expect(PgliteDatabase.open(dir)).rejects.toBeInstanceOf(DataDirectoryInUseError);
    writeFileSync(join(dir, 'pglite.lock'), '2147483646'); // no such process
    const db = await PgliteDatabase.open(dir);
    await expect(PgliteDatabase.open(dir)).rejects.toThrow(/in use by process/);
    await db.close();
  });
});

describe('redactUrl', () => {
  it('hides the password of a connection string', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/costs')).toBe('postgres://app:***@db:5432/costs');
    expect(redactUrl('not a url')).toBe('(unparseable URL)');
  });
});
