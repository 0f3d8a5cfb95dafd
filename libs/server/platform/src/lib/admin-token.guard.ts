import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig } from './app-config';
import { APP_CONFIG } from './tokens';

/**
 * Instance administration (projection rebuilds) until user accounts and roles exist: a bearer
 * token from ADMIN_TOKEN. With no token configured the endpoints are closed, never open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.ADMIN_TOKEN;
    if (!expected) throw new ForbiddenException('Administration is disabled: set ADMIN_TOKEN on the server to enable it.');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new UnauthorizedException('Send the instance administration token as "Authorization: Bearer <ADMIN_TOKEN>".');
    }
    return true;
  }
}
