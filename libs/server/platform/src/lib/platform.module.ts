import { DynamicModule, Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { Options } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PgliteDriver } from '@mikro-orm/pglite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { mikroOrmOptions, openDatabase, redactUrl, type SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { Projection, ProjectionRunner } from '@act/server/projections';
import { AppConfig, jobLeaseOptions } from './app-config';
import { closeEventStore, openEventStore } from './event-store.provider';
import { EventTypesAdminController } from './event-types-admin.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ProblemDetailsFilter, validationErrorFactory } from './problem-details.filter';
import { ProjectionsAdminController } from './projections-admin.controller';
import { APP_CONFIG, PROJECTION_RUNNER, SQL_DATABASE } from './tokens';
import { WaitForInterceptor } from './wait-for.interceptor';

export interface PlatformOptions {
  config: AppConfig;
  /** Every projection this process runs. */
  projections: readonly Projection[];
  /** MikroORM entities of the read models. */
  entities: NonNullable<Options['entities']>;
}

/** Starts the projection loop once the app is up and shuts things down in the right order. */
class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Platform');
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await closeEventStore(this.store);
    await this.db.close();
    this.logger.log('Stopped cleanly');
  }
}

/** Database, event store and projection runner, shared by every module of the api. */
@Global()
@Module({})
class InfrastructureModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config } = options;
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: SQL_DATABASE,
          useFactory: async () => {
            const db = await openDatabase({
              databaseUrl: config.DATABASE_URL,
              dataDir: config.DATA_DIR,
              poolSize: config.DATABASE_POOL_SIZE,
              maxConcurrentReads: config.DATABASE_MAX_CONCURRENT_READS,
            });
            new Logger('Database').log(
              db.driver === 'pglite' ? `Embedded PGlite at ${config.DATA_DIR}` : `PostgreSQL at ${redactUrl(config.DATABASE_URL ?? '')}`,
            );
            return db;
          },
        },
        {
          provide: EVENT_STORE,
          inject: [SQL_DATABASE],
          // postgres (default) or kurrentdb, by EVENT_STORE; nothing past this provider knows which.
          useFactory: (db: SqlDatabase) => openEventStore(config, db),
        },
        {
          provide: PROJECTION_RUNNER,
          inject: [SQL_DATABASE, EVENT_STORE],
          useFactory: async (db: SqlDatabase, store: EventStore) => {
            const runner = new ProjectionRunner(db, store, options.projections, {
              idleWaitMs: config.EVENT_POLL_INTERVAL_MS,
              lease: jobLeaseOptions(config),
            });
            await runner.initialize();
            return runner;
          },
        },
        Lifecycle,
      ],
      exports: [APP_CONFIG, SQL_DATABASE, EVENT_STORE, PROJECTION_RUNNER],
    };
  }
}

/**
 * The api's platform: configuration, database (PGlite or PostgreSQL), MikroORM on the same
 * database, event store, projection runner, and the cross-cutting HTTP pieces: problem+json
 * errors, validation, read-your-writes (`?waitFor=`), health, metrics, projection admin.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const infrastructure = InfrastructureModule.forRoot(options);
    return {
      module: PlatformModule,
      imports: [
        infrastructure,
        MikroOrmModule.forRootAsync({
          // Known before the factory runs, so Nest can also inject the driver-specific EntityManager.
          driver: options.config.DATABASE_URL ? PostgreSqlDriver : PgliteDriver,
          inject: [SQL_DATABASE],
          useFactory: (db: SqlDatabase) =>
            mikroOrmOptions(db, { databaseUrl: options.config.DATABASE_URL, poolSize: options.config.DATABASE_POOL_SIZE, entities: options.entities }),
        }),
      ],
      controllers: [HealthController, MetricsController, ProjectionsAdminController, EventTypesAdminController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: WaitForInterceptor },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            exceptionFactory: validationErrorFactory,
          }),
        },
      ],
    };
  }
}
