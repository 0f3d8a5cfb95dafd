/**
 * Identity on the server: registration and sign-in (argon2id), sessions (short-lived JWT +
 * rotating refresh cookie), the global authentication guard, workspace scoping and roles
 * (`@WorkspaceScoped`), members, invitations (e-mailed when SMTP is configured) and the
 * security log, with the directory projection behind the lists.
 */
export * from './lib/identity.module';
export * from './lib/directory.projection';
export * from './lib/workspace-scope';
export * from './lib/workspace-access';
export * from './lib/workspace.service';
export * from './lib/identity-read-model';
export * from './lib/current-user';
export * from './lib/mailer';
export * from './lib/tokens';
export { written } from './lib/workspaces.controller';
export { REFRESH_COOKIE } from './lib/auth.controller';
