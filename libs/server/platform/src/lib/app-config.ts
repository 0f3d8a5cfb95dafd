import { plainToInstance, Transform } from 'class-transformer';
import { availableParallelism } from 'node:os';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf, validateSync } from 'class-validator';

const DEFAULT_CONCURRENT_READS = Math.max(2, availableParallelism());

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

  /**
   * Dashboard reads run at once against PostgreSQL; more wait their turn in the process, so
   * ingest, syncs and projections keep their share of the database's CPU (ConnectionGate).
   * Default: the number of CPU cores, at least 2.
   */
  @IsInt()
  @Min(1)
  @Max(200)
  @Transform(({ value }) => toInt(value, DEFAULT_CONCURRENT_READS))
  DATABASE_MAX_CONCURRENT_READS = DEFAULT_CONCURRENT_READS;

  /** Where the embedded database keeps its files (`memory://` for a throw-away in-memory one). */
  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  /** The built web app served at `/`. */
  @IsString()
  WEB_DIST_DIR = 'dist/apps/web/browser';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /**
   * Where events are stored: `postgres`, the database above (default), or `kurrentdb`, a
   * KurrentDB (EventStoreDB) server at EVENTSTORE_CONNECTION_STRING, for scale-out. Read
   * models, checkpoints and everything else stay in the database either way.
   */
  @IsIn(['postgres', 'kurrentdb'], { message: 'EVENT_STORE must be postgres or kurrentdb' })
  EVENT_STORE: 'postgres' | 'kurrentdb' = 'postgres';

  /** kurrentdb://user:password@host:2113?tls=false (or kurrentdb+discover://…): required when EVENT_STORE=kurrentdb. */
  @ValidateIf((config: AppConfig) => config.EVENT_STORE === 'kurrentdb' || config.EVENTSTORE_CONNECTION_STRING !== undefined)
  @Matches(/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\/\S+$/, {
    message: 'EVENTSTORE_CONNECTION_STRING must look like kurrentdb://host:2113?tls=false, and is required when EVENT_STORE=kurrentdb',
  })
  EVENTSTORE_CONNECTION_STRING?: string;

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
   * Background jobs (projection runner, sync scheduler, recompute worker, alert evaluator,
   * notification loop) run in one api process at a time, the holder of the job's lease: it
   * renews every JOB_LEASE_RENEW_MS, and another process takes over JOB_LEASE_TTL_MS after
   * the holder's last renewal (at once when the holder was a dead process on the same host).
   */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  @Transform(({ value }) => toInt(value, 15_000))
  JOB_LEASE_TTL_MS = 15_000;

  @IsInt()
  @Min(100)
  @Max(300_000)
  @Transform(({ value }) => toInt(value, 5_000))
  JOB_LEASE_RENEW_MS = 5_000;

  /**
   * Bearer token for /api/v1/admin/* for automation (scripts, monitoring). Users who are
   * instance administrators use their own sign-in instead. Unset: only they may.
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters long' })
  @MaxLength(512)
  ADMIN_TOKEN?: string;

  /**
   * Signs access tokens (HS256). Unset: a random secret is generated once and kept in the
   * database, so every api process of the instance shares it and restarts keep sessions.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  @MaxLength(512)
  JWT_SECRET?: string;

  /** Lifetime of an access token; the web app refreshes it before it runs out. */
  @IsInt()
  @Min(30)
  @Max(86_400)
  @Transform(({ value }) => toInt(value, 900))
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** How long a session lasts without use (each refresh rotates the token and restarts it). */
  @IsInt()
  @Min(1)
  @Max(365)
  @Transform(({ value }) => toInt(value, 30))
  REFRESH_TOKEN_TTL_DAYS = 30;

  /** Sign-in and registration attempts allowed per client address and minute. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  @Transform(({ value }) => toInt(value, 10))
  AUTH_RATE_LIMIT_PER_MINUTE = 10;

  /** `open`: anyone may register (and gets a workspace); `invite-only`: only with an invitation, after the first user. */
  @IsIn(['open', 'invite-only'])
  REGISTRATION: 'open' | 'invite-only' = 'open';

  @IsInt()
  @Min(1)
  @Max(24 * 90)
  @Transform(({ value }) => toInt(value, 168))
  INVITATION_TTL_HOURS = 168;

  /** Marks the refresh cookie Secure. `auto`: when the request came over HTTPS (honours X-Forwarded-Proto with TRUST_PROXY). */
  @IsIn(['auto', 'true', 'false'])
  COOKIE_SECURE: 'auto' | 'true' | 'false' = 'auto';

  /** Express "trust proxy" setting when behind a reverse proxy (e.g. `1` or `loopback`); unset: trust none. */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** The address users reach the web app at, for links in e-mails (e.g. https://costs.example.com). */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'PUBLIC_URL must look like https://costs.example.com' })
  PUBLIC_URL?: string;

  /** smtp(s)://user:password@host:port — enables e-mail (invitations, alerts). Unset: no e-mail is sent. */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must look like smtp://user:password@smtp.example.com:587' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'AI Cost Tracker <no-reply@localhost>';

  /**
   * Keys that encrypt provider credentials: `id:base64-32-bytes[,id:key…]`, the first encrypts,
   * all decrypt. Unset: a key file is generated in DATA_DIR (fine to try the product; set this
   * in production and keep it out of the database backups).
   */
  @IsOptional()
  @IsString()
  CREDENTIAL_KEYS?: string;

  /** `false` stops the scheduled provider sync in this process (manual "sync now" still works). */
  @IsIn(['true', 'false'])
  SYNC_SCHEDULER: 'true' | 'false' = 'true';

  /** How often the scheduler looks for accounts that are due. */
  @IsInt()
  @Min(1)
  @Max(3600)
  @Transform(({ value }) => toInt(value, 60))
  SYNC_TICK_SECONDS = 60;

  /** How often each active account is synced. */
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  @Transform(({ value }) => toInt(value, 60))
  SYNC_INTERVAL_MINUTES = 60;

  /** Days read when an account is first connected. */
  @IsInt()
  @Min(1)
  @Max(730)
  @Transform(({ value }) => toInt(value, 90))
  SYNC_BACKFILL_DAYS = 90;

  /** Days re-read on every sync, for the providers' late data and revisions. */
  @IsInt()
  @Min(1)
  @Max(60)
  @Transform(({ value }) => toInt(value, 3))
  SYNC_LOOKBACK_DAYS = 3;

  /** Days per request batch during a backfill (each chunk is recorded before the next is read). */
  @IsInt()
  @Min(1)
  @Max(180)
  @Transform(({ value }) => toInt(value, 15))
  SYNC_CHUNK_DAYS = 15;

  /** How often budgets, forecasts, anomalies and sync health are checked for alerts (seconds); 0: only on demand. */
  @IsInt()
  @Min(0)
  @Max(86_400)
  @Transform(({ value }) => toInt(value, 300))
  ALERT_EVALUATION_SECONDS = 300;

  /** How often the notification outbox is looked at for due deliveries (ms). */
  @IsInt()
  @Min(10)
  @Max(60_000)
  @Transform(({ value }) => toInt(value, 1000))
  NOTIFY_POLL_INTERVAL_MS = 1000;

  /** Attempts per notification before it is marked failed. */
  @IsInt()
  @Min(1)
  @Max(20)
  @Transform(({ value }) => toInt(value, 6))
  NOTIFY_MAX_ATTEMPTS = 6;

  /** Wait before the first retry (ms); doubles with each further attempt. */
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  @Transform(({ value }) => toInt(value, 30_000))
  NOTIFY_RETRY_BASE_MS = 30_000;

  /** Longest wait between two attempts (ms). */
  @IsInt()
  @Min(10)
  @Max(86_400_000)
  @Transform(({ value }) => toInt(value, 3_600_000))
  NOTIFY_RETRY_MAX_MS = 3_600_000;

  /** How long one webhook call or e-mail may take (ms). */
  @IsInt()
  @Min(100)
  @Max(120_000)
  @Transform(({ value }) => toInt(value, 10_000))
  NOTIFY_TIMEOUT_MS = 10_000;

  /** Delivery attempts per channel and minute; more wait for the next minute. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  @Transform(({ value }) => toInt(value, 30))
  NOTIFY_CHANNEL_RATE_PER_MINUTE = 30;

  /** `true` lets webhooks reach private, loopback and link-local addresses (tests, an intranet receiver). */
  @IsIn(['true', 'false'])
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' | 'false' = 'false';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables without a default, which `new AppConfig()` therefore does not list. */
const OPTIONAL_KEYS = ['DATABASE_URL', 'EVENTSTORE_CONNECTION_STRING', 'ADMIN_TOKEN', 'JWT_SECRET', 'TRUST_PROXY', 'PUBLIC_URL', 'SMTP_URL', 'CREDENTIAL_KEYS'];
const SECRET_KEYS = ['ADMIN_TOKEN', 'JWT_SECRET', 'DATABASE_URL', 'EVENTSTORE_CONNECTION_STRING', 'SMTP_URL', 'CREDENTIAL_KEYS'];

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => (known.includes(key) || OPTIONAL_KEYS.includes(key)) && value !== ''),
  );
  const config = plainToInstance(AppConfig, relevant);
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => {
        const shown = SECRET_KEYS.includes(e.property) ? '(hidden)' : JSON.stringify(relevant[e.property]);
        return `${e.property}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}`;
      }),
    );
  }
  if (config.JOB_LEASE_RENEW_MS >= config.JOB_LEASE_TTL_MS) {
    throw new ConfigError([
      `JOB_LEASE_RENEW_MS=${config.JOB_LEASE_RENEW_MS}: must be below JOB_LEASE_TTL_MS (${config.JOB_LEASE_TTL_MS}), or a lease expires between renewals`,
    ]);
  }
  return config;
}

/** The lease timing every background job uses (see JOB_LEASE_TTL_MS). */
export function jobLeaseOptions(config: Pick<AppConfig, 'JOB_LEASE_TTL_MS' | 'JOB_LEASE_RENEW_MS'>): { ttlMs: number; renewEveryMs: number } {
  return { ttlMs: config.JOB_LEASE_TTL_MS, renewEveryMs: config.JOB_LEASE_RENEW_MS };
}

function toInt(value: unknown, fallback: number): unknown {
  if (value === undefined) return fallback;
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}
