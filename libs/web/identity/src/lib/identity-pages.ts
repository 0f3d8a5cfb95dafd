import type { Type } from '@angular/core';

type PageLoader = () => Promise<Type<unknown>>;

/**
 * Lazy loaders for the identity pages. Routes use these instead of importing
 * the components, so each page stays in its own chunk even though the shell
 * imports this library eagerly (for the guard, the toolbar menus and the
 * workspace context).
 */
export const IDENTITY_PAGES = {
  signIn: () => import('./auth/sign-in-page').then((m) => m.SignInPage),
  register: () => import('./auth/register-page').then((m) => m.RegisterPage),
  acceptInvitation: () =>
    import('./invitations/accept-invitation-page').then((m) => m.AcceptInvitationPage),
  members: () => import('./members/members-page').then((m) => m.MembersPage),
  accounts: () => import('./accounts/accounts-page').then((m) => m.AccountsPage),
  ingestKeys: () => import('./ingest-keys/ingest-keys-page').then((m) => m.IngestKeysPage),
  securityLog: () => import('./security-log/security-log-page').then((m) => m.SecurityLogPage),
} satisfies Record<string, PageLoader>;

/**
 * The toolbar's workspace switcher and user menu, loaded like a page: their
 * menus bring the CDK overlay, which the sign-in page does not need.
 */
export const loadToolbarActions: PageLoader = () =>
  import('./workspaces/toolbar-actions').then((m) => m.ToolbarActions);
