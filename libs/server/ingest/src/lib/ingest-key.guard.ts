import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import { AccountsService, IngestKeysService } from '@act/server/accounts';
import { bearerToken } from '@act/server/platform';
import type { IngestCallerContext } from './ingest.service';

export type IngestRequest = Request & { ingestCaller?: IngestCallerContext };

/**
 * Admits `POST /ingest/*` with `Authorization: Bearer <ingest key>` only: the key fixes the
 * workspace and account, so a key of one workspace can never write to another. Anything
 * else — no key, an unknown or revoked key, a disconnected account, a user's access token — is
 * a 401 that says which.
 */
@Injectable()
export class IngestKeyGuard implements CanActivate {
  constructor(private readonly moduleRef: ModuleRef) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IngestRequest>();
    const key = bearerToken(request);
    if (!key) throw new UnauthorizedException('Send the ingest key as "Authorization: Bearer <ingest key>" (create one under Ingest keys).');
    const caller = await this.moduleRef.get(IngestKeysService, { strict: false }).authenticate(key);
    const account = await this.moduleRef.get(AccountsService, { strict: false }).load({ workspaceId: caller.workspaceId }, caller.accountId);
    request.ingestCaller = { ...caller, provider: account.provider };
    return true;
  }
}
