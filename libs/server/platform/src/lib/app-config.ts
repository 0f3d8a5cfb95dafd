import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';

/**
 * Every environment variable the server reads, validated once at start. `.env.example` lists
 * them with their defaults; a bad value stops the start with one line per problem.
 */
export class AppConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  @Transform(({ value }) => toInt(value, 3000))
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  /** postgres://user:password@host:port/database — selects PostgreSQL instead of the embedded PGlite. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must look like postgres://user:password@host:5432/database' })
  DATABASE_URL?: string;

  @IsInt()
  @Min(1)
  @Max(200)
  @Transform(({ value }) => toInt(value, 10))
  DATABASE_POOL_SIZE = 10;

  /** Where the embedded database keeps its files (`memory://` for a throw-away in-memory one). */
  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  /** The built web app served at `/`. */
  @IsString()
  WEB_DIST_DIR = 'dist/apps/web/browser';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** How often a process looks for events other processes appended. */
  @IsInt()
  @Min(10)
  @Max(60_000)
  @Transform(({ value }) => toInt(value, 250))
  EVENT_POLL_INTERVAL_MS = 250;

  /** The longest a read with `?waitFor=` waits for read models before answering 503. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  @Transform(({ value }) => toInt(value, 5000))
  WAIT_FOR_TIMEOUT_MS = 5000;

  /**
   * Bearer token for /api/v1/admin/* until user accounts with the instance-administrator role
   * exist. Unset: the admin endpoints answer 403.
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters long' })
  @MaxLength(512)
  ADMIN_TOKEN?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => (known.includes(key) || key === 'DATABASE_URL' || key === 'ADMIN_TOKEN') && value !== ''),
  );
  const config = plainToInstance(AppConfig, relevant);
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => {
        const shown = e.property.includes('TOKEN') || e.property === 'DATABASE_URL' ? '(hidden)' : JSON.stringify(relevant[e.property]);
        return `${e.property}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}`;
      }),
    );
  }
  return config;
}

function toInt(value: unknown, fallback: number): unknown {
  if (value === undefined) return fallback;
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}
