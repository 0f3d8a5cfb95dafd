import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthResponse } from '@act/contracts';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { ProjectionRunner } from '@act/server/projections';
import { Public } from './access';
import { toProjectionDto } from './projection-dto';
import { PROJECTION_RUNNER, SQL_DATABASE } from './tokens';

const startedAt = Date.now();

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: database, event log head, projection lag' })
  @ApiOkResponse({ description: 'status is "degraded" when the database fails or a projection reports an error' })
  async health(): Promise<HealthResponse> {
    let databaseOk = true;
    let storeOk = true;
    let projections: HealthResponse['projections'] = [];
    let head: bigint | null = null;
    try {
      // One read of both (the read-model database and the log's head), as on every probe.
      const statuses = await this.runner.status();
      projections = statuses.map(toProjectionDto);
      head = statuses[0]?.head ?? (await this.store.headPosition());
    } catch {
      // Only on failure: tell which side does not answer. The event store may be a KurrentDB
      // server apart from the database, and "database failing" would send an operator the wrong way.
      const [database, store] = await Promise.allSettled([this.db.query('select 1'), this.store.headPosition()]);
      databaseOk = database.status === 'fulfilled';
      storeOk = store.status === 'fulfilled';
      if (store.status === 'fulfilled') head = store.value;
      // Both answer now: the first read failed all the same, so do not report healthy.
      if (databaseOk && storeOk) databaseOk = false;
    }
    const failing = projections.some((p) => p.lastError);
    return {
      status: databaseOk && storeOk && !failing ? 'ok' : 'degraded',
      version: APP_VERSION,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      database: { driver: this.db.driver, ok: databaseOk },
      eventStore: { ok: storeOk, headPosition: head === null ? null : String(head) },
      projections,
    };
  }
}

/** The product version reported by /health and the OpenAPI document. */
export const APP_VERSION = '0.1.0';
