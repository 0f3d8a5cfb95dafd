import { applyDecorators, CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig } from './app-config';
import { APP_CONFIG } from './tokens';

/**
 * Who is calling, as established by the global authentication guard (the identity module):
 * a signed-in user, or automation holding the instance's ADMIN_TOKEN.
 */
export type Principal =
  | { kind: 'user'; userId: string; sessionId: string; instanceAdmin: boolean }
  | { kind: 'admin-token' };

export type AuthenticatedRequest = Request & { principal?: Principal };

/** Metadata keys the global authentication guard reads. */
export const IS_PUBLIC = 'act:public';
export const INSTANCE_ADMIN_ONLY = 'act:instance-admin-only';

/**
 * Every route needs a signed-in caller unless marked public. Mark deliberately: health and
 * metrics for probes, sign-in and registration, the invitation preview.
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-public', true));

/** Instance administration: an instance-administrator user, or the ADMIN_TOKEN. */
export const InstanceAdminOnly = () =>
  applyDecorators(SetMetadata(INSTANCE_ADMIN_ONLY, true), UseGuards(InstanceAdminGuard), ApiExtension('x-instance-admin-only', true));

/** The bearer token of a request, or '' when there is none. */
export function bearerToken(request: Request): string {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7).trim() : '';
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function isAdminToken(config: AppConfig, token: string): boolean {
  const expected = config.ADMIN_TOKEN;
  if (!expected || !token) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

@Injectable()
export class InstanceAdminGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.principal;
    if (principal?.kind === 'admin-token') return true;
    if (principal?.kind === 'user') {
      if (principal.instanceAdmin) return true;
      throw new ForbiddenException('Only instance administrators may do this.');
    }
    // No authentication module in front (a platform-only app): the token is the only way in.
    if (isAdminToken(this.config, bearerToken(request))) {
      request.principal = { kind: 'admin-token' };
      return true;
    }
    throw new UnauthorizedException('Sign in as an instance administrator, or send "Authorization: Bearer <ADMIN_TOKEN>".');
  }
}
