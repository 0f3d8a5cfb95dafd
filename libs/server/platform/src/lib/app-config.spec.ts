import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      DATABASE_URL: undefined,
      DATABASE_POOL_SIZE: 10,
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

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ DATABASE_URL: undefined, PORT: 3000 });
  });
});
