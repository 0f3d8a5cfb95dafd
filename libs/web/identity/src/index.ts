/**
 * Identity and accounts for the web app: the session (`AuthService`, access
 * token in memory only, refresh by httpOnly cookie), the HTTP interceptors
 * (bearer token with one refresh-and-retry on 401; read-your-writes
 * `?waitFor=`), the current workspace and role (`WorkspaceContext`), typed API
 * clients, and lazy loaders for the identity pages (sign-in, register,
 * invitation, members, accounts, ingest keys, security log) and the toolbar
 * menus. Components are only reachable through loaders, so importing this
 * entry point does not put them in the initial bundle.
 */
export { AuthService, refreshDelayMs } from './lib/auth/auth-service';
export type { AuthStatus } from './lib/auth/auth-service';
export { authInterceptor } from './lib/auth/auth-interceptor';
export { authGuard, guestGuard } from './lib/auth/auth-guard';
export { isPublicUrl, safeReturnUrl } from './lib/auth/return-url';
export {
  PositionTracker,
  readYourWritesInterceptor,
} from './lib/read-your-writes/read-your-writes';
export { WorkspaceContext } from './lib/workspaces/workspace-context';
export {
  PERMISSIONS,
  ROLE_LABELS,
  assignableRoles,
  hasPermission,
  invitableRoles,
  memberActions,
} from './lib/workspaces/permissions';
export type { Permission } from './lib/workspaces/permissions';
export { WorkspacesApi } from './lib/workspaces/workspaces-api';
export { MembersApi } from './lib/members/members-api';
export { InvitationsApi } from './lib/invitations/invitations-api';
export { AccountsApi } from './lib/accounts/accounts-api';
export { IngestKeysApi } from './lib/ingest-keys/ingest-keys-api';
export { SecurityLogApi } from './lib/security-log/security-log-api';
export { IDENTITY_PAGES, loadToolbarActions } from './lib/identity-pages';
export { IDENTITY_INTERCEPTORS, provideIdentity } from './lib/provide-identity';
export { API_BASE } from './lib/http/api';
// Shared helpers for the other page libraries (budgets, usage): the same error wording
// everywhere (plain functions), and the confirm dialog, secret field and status chip as a lazy
// module (components exported here would land in the initial bundle with their Material modules).
export { applyProblem, describeError, problemOf } from './lib/http/problem';
export const IDENTITY_UI = () => import('./lib/ui/shared-ui');
export type { ConfirmDialogData } from './lib/ui/confirm-dialog';
export type { ChipTone } from './lib/ui/status-chip';
