import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { withStartupLock } from '@act/server/database';
import { AppConfig, configureHttpApp } from '@act/server/platform';
import { AppModule, type AppOptions } from './app.module';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Builds and initialises the whole product as one Nest app: used by main.ts and by the api's
 * integration specs. Processes starting together on one PostgreSQL database take turns for
 * this part (tables are created and the catalogue seeded here), see `withStartupLock`.
 */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestExpressApplication> {
  return withStartupLock(config.DATABASE_URL, async () => {
    const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, options), {
      logger: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1),
      bufferLogs: true,
    });
    configureHttpApp(app, config);
    try {
      await app.init();
    } catch (error) {
      await app.close().catch(() => undefined);
      throw error;
    }
    return app;
  });
}
