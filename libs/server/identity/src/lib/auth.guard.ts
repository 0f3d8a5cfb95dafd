import { ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig, bearerToken, INSTANCE_ADMIN_ONLY, IS_PUBLIC, isAdminToken, type AuthenticatedRequest, type Principal } from '@act/server/platform';
import type { SessionStore } from './sessions';
import { JWT_SECRET_VALUE, SESSION_STORE } from './tokens';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER, type AccessTokenClaims } from './access-tokens';

/**
 * Verifies access tokens: HS256 only (an `alg: none` or RS/HS confusion token is refused),
 * our issuer and audience, not expired, and a session that has not been signed out.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(JWT_SECRET_VALUE) secret: string,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: [JWT_ALGORITHM],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
      secretOrKey: secret,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<Principal> {
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw new UnauthorizedException('The access token is malformed.');
    if (!(await this.sessions.isActive(claims.sid))) throw new UnauthorizedException('This session has ended. Sign in again.');
    return { kind: 'user', userId: claims.sub, sessionId: claims.sid, instanceAdmin: claims.adm === true };
  }
}

/**
 * The global guard: every route needs a valid access token unless marked @Public(). Instance
 * administration also accepts the ADMIN_TOKEN (automation), checked in constant time.
 */
@Injectable()
export class GlobalAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.reflector.getAllAndOverride<boolean>(INSTANCE_ADMIN_ONLY, targets) && isAdminToken(this.config, bearerToken(request))) {
      request.principal = { kind: 'admin-token' };
      return true;
    }
    await super.canActivate(context);
    request.principal = request.user as Principal;
    return true;
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error) throw error;
    if (!user) {
      const reason = info instanceof Error && info.name === 'TokenExpiredError' ? 'The access token has expired: refresh it.' : 'Sign in first: send "Authorization: Bearer <access token>".';
      throw new UnauthorizedException(reason);
    }
    return user;
  }
}
