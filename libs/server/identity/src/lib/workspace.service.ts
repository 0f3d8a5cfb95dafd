import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { workspaceStreamId, type Role, type WorkspaceCommand } from '@act/domain/identity';
import { WorkspaceAccess } from './workspace-access';
import type { WorkspaceContext } from './workspace-scope';

type Data<T extends WorkspaceCommand['type']> = Extract<WorkspaceCommand, { type: T }>['data'];

/** The workspace commands: each one decided by the workspace decider on the current stream. */
@Injectable()
export class WorkspaceService {
  constructor(private readonly access: WorkspaceAccess) {}

  async create(input: { name: string; userId: string; email: string }): Promise<{ workspaceId: string; position: bigint }> {
    const workspaceId = randomUUID();
    const result = await this.run(workspaceId, input.userId, { type: 'CreateWorkspace', data: { workspaceId, name: input.name, owner: { userId: input.userId, email: input.email } } });
    return { workspaceId, position: result.position };
  }

  rename(ctx: WorkspaceContext, name: string) {
    return this.run(ctx.workspaceId, ctx.userId, { type: 'RenameWorkspace', data: { name } });
  }

  changeRole(ctx: WorkspaceContext, userId: string, role: Role) {
    return this.run(ctx.workspaceId, ctx.userId, { type: 'ChangeMemberRole', data: { userId, role } });
  }

  removeMember(ctx: WorkspaceContext, userId: string) {
    return this.run(ctx.workspaceId, ctx.userId, { type: 'RemoveMember', data: { userId } });
  }

  run<T extends WorkspaceCommand['type']>(workspaceId: string, actorId: string, command: { type: T; data: Data<T> }) {
    return this.access.stream.execute(workspaceStreamId(workspaceId), { ...command, metadata: { now: new Date(), actorId } } as WorkspaceCommand);
  }
}
