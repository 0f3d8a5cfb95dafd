import { openTestDatabase, testEngines, type TestDatabase } from '../testing/test-databases';
import { withStartupLock } from './startup-lock';

const postgres = testEngines().find((e) => e.engine === 'postgresql');
const describePostgres = postgres?.skipReason ? describe.skip : describe;

describe('withStartupLock without a database URL (PGlite)', () => {
  it('just runs the work', async () => {
    expect(await withStartupLock(undefined, async () => 42)).toBe(42);
  });
});

describePostgres(`withStartupLock [postgresql]${postgres?.skipReason ? ` (skipped: ${postgres.skipReason})` : ''}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('lets start-ups on one database take turns, and releases the lock when one fails', async () => {
    const url = database.url as string;
    const log: string[] = [];
    const startUp = (name: string, fail = false) =>
      withStartupLock(url, async () => {
        log.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        log.push(`${name} out`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([startUp('a', true), startUp('b'), startUp('c')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    // Never two inside at once: every "in" is followed by its own "out".
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i].replace(' in', ' out'));
    expect(log).toHaveLength(6);
  });

  it('gives up with a clear message when another start-up holds the lock too long', async () => {
    const url = database.url as string;
    let release: () => void = () => undefined;
    const holding = withStartupLock(url, () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(withStartupLock(url, async () => 'never', { waitMs: 200 })).rejects.toThrow(/Another process has been starting on this database/);
    release();
    await holding;
    expect(await withStartupLock(url, async () => 'after')).toBe('after');
  });
});
