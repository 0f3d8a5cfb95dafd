import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/core';
import { EventTypeStat } from '@act/server/projections';
import { InstanceAdminOnly } from './access';

@ApiTags('admin')
@ApiBearerAuth()
@InstanceAdminOnly()
@Controller('admin/event-types')
export class EventTypesAdminController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @ApiOperation({ summary: 'How many events of each type the log holds, and when the last one arrived' })
  async list(): Promise<{ items: { type: string; events: string; lastPosition: string; lastRecordedAt: string }[] }> {
    const rows = await this.em.fork().find(EventTypeStat, {}, { orderBy: { type: 'asc' } });
    return {
      items: rows.map((r) => ({
        type: r.type,
        events: r.events,
        lastPosition: r.lastPosition,
        lastRecordedAt: new Date(r.lastRecordedAt).toISOString(),
      })),
    };
  }
}
