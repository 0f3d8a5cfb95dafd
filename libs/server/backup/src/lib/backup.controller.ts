import { ConflictException, Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { SqlDatabase } from '@act/server/database';
import { APP_CONFIG, type AppConfig, InstanceAdminOnly, SQL_DATABASE } from '@act/server/platform';
import { KURRENTDB_BACKUP_MESSAGE } from './backup';
import { writeBackup } from './backup';

@ApiTags('admin')
@ApiBearerAuth()
@InstanceAdminOnly()
@Controller('admin/backup')
export class BackupController {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiProduces('application/gzip')
  @ApiOperation({
    summary:
      'A consistent backup of the event log and the encrypted credential vault, streamed (gzip NDJSON) while the product runs. ' +
      'Restore it with `npm run restore -- <file>` into an empty database; it needs the same CREDENTIAL_KEYS.',
  })
  async download(@Res() response: Response): Promise<void> {
    if (this.config.EVENT_STORE !== 'postgres') throw new ConflictException(KURRENTDB_BACKUP_MESSAGE);
    const name = `ai-cost-tracker-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson.gz`;
    response.setHeader('Content-Type', 'application/gzip');
    response.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    response.setHeader('Cache-Control', 'no-store');
    await writeBackup(this.db, response);
  }
}
