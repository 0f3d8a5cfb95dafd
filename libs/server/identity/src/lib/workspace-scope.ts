import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension, ApiForbiddenResponse, ApiNotFoundResponse, ApiParam } from '@nestjs/swagger';
import { can, roleLabel, type Permission, type Role, type WorkspaceState } from '@act/domain/identity';
import type { AuthenticatedRequest } from '@act/server/platform';
import { notFound, WorkspaceAccess } from './workspace-access';

export const WORKSPACE_PERMISSION = 'act:workspace-permission';

/** What a workspace-scoped handler knows about its caller. */
export interface WorkspaceContext {
  readonly workspaceId: string;
  readonly userId: string;
  readonly role: Role;
  readonly state: WorkspaceState;
}

type ScopedRequest = AuthenticatedRequest & { workspace?: WorkspaceContext };

/**
 * Marks a route as scoped to the workspace in its `:ws` path segment and names the permission
 * it needs. Non-members get 404 (the workspace's existence is not revealed); members whose
 * role lacks the permission get 403. The route-table tests read this metadata, so a new
 * endpoint is covered by the isolation and role matrices as soon as it carries it.
 */
export const WorkspaceScoped = (permission: Permission) =>
  applyDecorators(
    SetMetadata(WORKSPACE_PERMISSION, permission),
    UseGuards(WorkspaceGuard),
    ApiParam({ name: 'ws', description: 'Workspace id' }),
    // Machine-readable in the OpenAPI document: the role-matrix tests are generated from it.
    ApiExtension('x-permission', permission),
    ApiNotFoundResponse({ description: 'No such workspace, or the caller is not a member.' }),
    ApiForbiddenResponse({ description: `The caller's role lacks "${permission}".` }),
  );

@Injectable()
export class WorkspaceGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: WorkspaceAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ScopedRequest>();
    const permission = this.reflector.get<Permission>(WORKSPACE_PERMISSION, context.getHandler()) ?? this.reflector.get<Permission>(WORKSPACE_PERMISSION, context.getClass());
    const principal = request.principal;
    const workspaceId = String(request.params['ws'] ?? '');
    if (principal?.kind !== 'user') throw notFound();
    const state = await this.access.load(workspaceId);
    const member = state.members.get(principal.userId);
    if (!member) throw notFound();
    if (!can(member.role, permission)) {
      throw new ForbiddenException(`As ${roleLabel(member.role)} of this workspace you may not do this: it needs ${permission}.`);
    }
    request.workspace = { workspaceId, userId: principal.userId, role: member.role, state };
    return true;
  }
}

/** The caller's workspace context, set by WorkspaceGuard. */
export const CurrentWorkspace = createParamDecorator((_: unknown, context: ExecutionContext): WorkspaceContext => {
  const workspace = context.switchToHttp().getRequest<ScopedRequest>().workspace;
  if (!workspace) throw new Error('CurrentWorkspace used on a route without @WorkspaceScoped()');
  return workspace;
});
