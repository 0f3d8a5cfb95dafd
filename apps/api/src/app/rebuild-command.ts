import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, PROJECTION_RUNNER } from '@act/server/platform';
import { ProjectionRunner } from '@act/server/projections';
import { AppModule } from './app.module';

/**
 * `npm run projections:rebuild -- <name>`: rebuilds one projection into a new version, drives
 * it to the head of the log, switches readers to it, and exits. Against PostgreSQL it may run
 * beside live api processes (they keep serving the old version until the switch); PGlite's
 * data directory belongs to one process, so stop the server first or use
 * POST /api/v1/admin/projections/{name}/rebuild instead.
 */
export async function rebuildCommand(config: AppConfig, name: string | undefined): Promise<number> {
  const logger = new Logger('projections:rebuild');
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error', 'warn', 'log'] });
  try {
    const runner = app.get<ProjectionRunner>(PROJECTION_RUNNER);
    if (!name) {
      logger.error(`Name the projection to rebuild: npm run projections:rebuild -- <name>. Known: ${runner.names.join(', ')}`);
      return 2;
    }
    const started = await runner.rebuild(name);
    logger.log(`Rebuilding ${name} into version ${started.version}`);
    let lastReport = 0;
    for (;;) {
      const progressed = await runner.runOnce();
      const status = (await runner.status()).find((s) => s.name === name);
      if (!status) throw new Error(`Projection ${name} disappeared`);
      if (!status.building) {
        logger.log(`Done: ${name} v${status.active.version} is active at position ${status.active.checkpoint}`);
        return 0;
      }
      if (Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        logger.log(`v${status.building.version}: ${status.building.checkpoint} / ${status.head} events`);
      }
      if (status.building.lastError) throw new Error(`The rebuild failed: ${status.building.lastError}`);
      if (!progressed) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await app.close();
  }
}
