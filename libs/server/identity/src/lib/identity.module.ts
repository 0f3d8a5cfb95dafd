import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type { SqlDatabase } from '@act/server/database';
import { APP_CONFIG, AppConfig, SQL_DATABASE } from '@act/server/platform';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from './access-tokens';
import { GlobalAuthGuard, JwtStrategy } from './auth.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { IdentityReadModel } from './identity-read-model';
import { instanceSecret } from './instance-secret';
import { InvitationService } from './invitation.service';
import { InvitationsController } from './invitations.controller';
import { DisabledMailer, SmtpMailer } from './mailer';
import { SessionStore } from './sessions';
import { JWT_SECRET_VALUE, MAILER, SESSION_STORE } from './tokens';
import { WorkspaceAccess } from './workspace-access';
import { WorkspaceGuard } from './workspace-scope';
import { WorkspaceService } from './workspace.service';
import { WorkspacesController } from './workspaces.controller';

function jwtSecret(config: AppConfig, db: SqlDatabase): Promise<string> | string {
  return config.JWT_SECRET ?? instanceSecret(db, 'jwt-signing-key');
}

/**
 * Users, sessions, workspaces, members, invitations and the security log, plus the global
 * authentication guard: once this module is imported, every route needs a signed-in caller
 * unless marked @Public(). Global, so feature modules can put @WorkspaceScoped() on routes.
 */
@Global()
@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      // The module's own scope cannot see JWT_SECRET_VALUE; resolving again returns the same stored secret.
      inject: [APP_CONFIG, SQL_DATABASE],
      useFactory: async (config: AppConfig, db: SqlDatabase) => ({
        secret: await jwtSecret(config, db),
        signOptions: { algorithm: JWT_ALGORITHM, expiresIn: config.ACCESS_TOKEN_TTL_SECONDS, issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
        verifyOptions: { algorithms: [JWT_ALGORITHM], issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ throttlers: [{ name: 'auth', ttl: 60_000, limit: config.AUTH_RATE_LIMIT_PER_MINUTE }] }),
    }),
  ],
  controllers: [AuthController, WorkspacesController, InvitationsController],
  providers: [
    {
      provide: JWT_SECRET_VALUE,
      inject: [APP_CONFIG, SQL_DATABASE],
      useFactory: jwtSecret,
    },
    {
      provide: SESSION_STORE,
      inject: [APP_CONFIG, SQL_DATABASE],
      useFactory: async (config: AppConfig, db: SqlDatabase) => {
        const store = new SessionStore(db, config.REFRESH_TOKEN_TTL_DAYS);
        await store.migrate();
        return store;
      },
    },
    {
      provide: MAILER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.MAIL_FROM) : new DisabledMailer()),
    },
    { provide: APP_GUARD, useClass: GlobalAuthGuard },
    JwtStrategy,
    AuthService,
    IdentityReadModel,
    InvitationService,
    WorkspaceAccess,
    WorkspaceGuard,
    WorkspaceService,
  ],
  exports: [WorkspaceAccess, WorkspaceGuard, WorkspaceService, IdentityReadModel, MAILER],
})
export class IdentityModule {}
