import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { AuthService } from './auth-service';
import { safeReturnUrl } from './return-url';

/**
 * Lets signed-in users through; everyone else goes to /sign-in with the URL
 * they asked for as `returnUrl`. Waits for the start-up session restore, so a
 * reload of a deep link does not bounce a signed-in user to the sign-in page.
 */
export const authGuard: CanActivateFn = async (_route, state) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.restore();
  if (auth.signedIn()) return true;
  return router.createUrlTree(['/sign-in'], {
    queryParams: state.url && state.url !== '/' ? { returnUrl: state.url } : {},
  });
};

/** For the sign-in and register pages: a signed-in user goes where they were heading. */
export const guestGuard: CanActivateFn = async (route) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.restore();
  if (!auth.signedIn()) return true;
  const invitation = route.queryParamMap.get('invitation');
  if (invitation) return router.createUrlTree(['/invitations', invitation]);
  return router.parseUrl(safeReturnUrl(route.queryParamMap.get('returnUrl')));
};
