import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthResponse } from '@act/contracts';
import type { SqlDatabase } from '@act/server/database';
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
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: database, event log head, projection lag' })
  @ApiOkResponse({ description: 'status is "degraded" when the database fails or a projection reports an error' })
  async health(): Promise<HealthResponse> {
    let databaseOk = true;
    let projections: HealthResponse['projections'] = [];
    let head = 0n;
    try {
      const statuses = await this.runner.status();
      projections = statuses.map(toProjectionDto);
      head = statuses[0]?.head ?? 0n;
    } catch {
      databaseOk = false;
    }
    const failing = projections.some((p) => p.lastError);
    return {
      status: databaseOk && !failing ? 'ok' : 'degraded',
      version: APP_VERSION,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      database: { driver: this.db.driver, ok: databaseOk },
      eventStore: { headPosition: String(head) },
      projections,
    };
  }
}

/** The product version reported by /health and the OpenAPI document. */
export const APP_VERSION = '0.1.0';
