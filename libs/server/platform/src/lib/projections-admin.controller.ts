import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProjectionStatusDto } from '@act/contracts';
import { ProjectionRunner } from '@act/server/projections';
import { InstanceAdminOnly } from './access';
import { toProjectionDto } from './projection-dto';
import { PROJECTION_RUNNER } from './tokens';

@ApiTags('admin')
@ApiBearerAuth()
@InstanceAdminOnly()
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(@Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner) {}

  @Get()
  @ApiOperation({ summary: 'Every projection with its active version, checkpoint, lag and rebuild progress' })
  async list(): Promise<{ items: ProjectionStatusDto[] }> {
    return { items: (await this.runner.status()).map(toProjectionDto) };
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild a projection into a new version; readers switch when it has caught up' })
  @ApiAcceptedResponse({ description: 'The rebuild started (or was already running); poll GET /admin/projections for progress' })
  async rebuild(@Param('name') name: string): Promise<ProjectionStatusDto> {
    await this.runner.rebuild(name);
    const status = (await this.runner.status()).find((s) => s.name === name);
    if (!status) throw new Error(`Projection ${name} vanished`);
    return toProjectionDto(status);
  }
}
