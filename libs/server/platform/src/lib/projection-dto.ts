import { ProjectionStatusDto } from '@act/contracts';
import { ProjectionStatus } from '@act/server/projections';

export function toProjectionDto(status: ProjectionStatus): ProjectionStatusDto {
  const { active, building, head } = status;
  return {
    name: status.name,
    activeVersion: active.version,
    checkpoint: String(active.checkpoint),
    lag: String(head > active.checkpoint ? head - active.checkpoint : 0n),
    lastError: active.lastError,
    rebuild: building
      ? {
          version: building.version,
          checkpoint: String(building.checkpoint),
          target: String(head),
          progress: head === 0n ? 1 : Number((building.checkpoint * 10_000n) / head) / 10_000,
          startedAt: building.createdAt,
        }
      : null,
  };
}
