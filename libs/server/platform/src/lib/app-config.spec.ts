import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig, jobLeaseOptions } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      DATABASE_URL: undefined,
      DATABASE_POOL_SIZE: 10,
      DATABASE_MAX_CONCURRENT_READS: Math.max(2, availableParallelism()),
      WAIT_FOR_TIMEOUT_MS: 5000,
      LOG_LEVEL: 'log',
    });
  });

  it('reads valid values', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://app:pw@db:5432/costs', LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgres://app:pw@db:5432/costs', LOG_LEVEL: 'debug' });
  });

  it('names every bad variable at once, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://root:secret@db/x', LOG_LEVEL: 'loud', ADMIN_TOKEN: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain('DATABASE_URL=(hidden): DATABASE_URL must look like postgres://');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('ADMIN_TOKEN=(hidden): ADMIN_TOKEN must be at least 16 characters long');
    expect(message).not.toContain('secret');
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('takes job lease timings, and refuses a renewal interval that is not below the lease time', () => {
    expect(jobLeaseOptions(loadConfig({}))).toEqual({ ttlMs: 15_000, renewEveryMs: 5_000 });
    expect(jobLeaseOptions(loadConfig({ JOB_LEASE_TTL_MS: '30000', JOB_LEASE_RENEW_MS: '10000' }))).toEqual({ ttlMs: 30_000, renewEveryMs: 10_000 });
    expect(() => loadConfig({ JOB_LEASE_TTL_MS: '5000', JOB_LEASE_RENEW_MS: '5000' })).toThrow(/JOB_LEASE_RENEW_MS=5000: must be below JOB_LEASE_TTL_MS/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ DATABASE_URL: undefined, PORT: 3000 });
  });

  describe('event store selection', () => {
    it('defaults to the PostgreSQL event store without a connection string', () => {
      expect(loadConfig({})).toMatchObject({ EVENT_STORE: 'postgres', EVENTSTORE_CONNECTION_STRING: undefined });
    });

    it('takes kurrentdb with a connection string', () => {
      const config = loadConfig({ EVENT_STORE: 'kurrentdb', EVENTSTORE_CONNECTION_STRING: 'kurrentdb://localhost:2113?tls=false' });
      expect(config).toMatchObject({ EVENT_STORE: 'kurrentdb', EVENTSTORE_CONNECTION_STRING: 'kurrentdb://localhost:2113?tls=false' });
      expect(loadConfig({ EVENT_STORE: 'kurrentdb', EVENTSTORE_CONNECTION_STRING: 'kurrentdb+discover://a:2113,b:2113,c:2113' }).EVENT_STORE).toBe('kurrentdb');
    });

    it('refuses kurrentdb without a connection string, saying what is missing', () => {
      expect(() => loadConfig({ EVENT_STORE: 'kurrentdb' })).toThrow(ConfigError);
      expect(() => loadConfig({ EVENT_STORE: 'kurrentdb' })).toThrow(/EVENTSTORE_CONNECTION_STRING=.*required when EVENT_STORE=kurrentdb/);
      expect(() => loadConfig({ EVENT_STORE: 'kurrentdb', EVENTSTORE_CONNECTION_STRING: '' })).toThrow(/required when EVENT_STORE=kurrentdb/);
    });

    it('refuses an unknown store and a malformed connection string, without echoing credentials', () => {
      expect(() => loadConfig({ EVENT_STORE: 'mongo' })).toThrow(/EVENT_STORE must be postgres or kurrentdb/);
      let error: unknown;
      try {
        loadConfig({ EVENT_STORE: 'kurrentdb', EVENTSTORE_CONNECTION_STRING: 'http://admin:changeit@db:2113' });
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).toContain('EVENTSTORE_CONNECTION_STRING=(hidden): EVENTSTORE_CONNECTION_STRING must look like kurrentdb://');
      expect((error as Error).message).not.toContain('changeit');
    });
  });
});
