import {
  EnvironmentProviders,
  inject,
  makeEnvironmentProviders,
  provideAppInitializer,
} from '@angular/core';
import type { HttpInterceptorFn } from '@angular/common/http';
import { authInterceptor } from './auth/auth-interceptor';
import { AuthService } from './auth/auth-service';
import { readYourWritesInterceptor } from './read-your-writes/read-your-writes';

/**
 * For `provideHttpClient(withInterceptors(IDENTITY_INTERCEPTORS))`. Order
 * matters: authentication first, so a request retried after a token refresh
 * passes through read-your-writes again.
 */
export const IDENTITY_INTERCEPTORS: HttpInterceptorFn[] = [
  authInterceptor,
  readYourWritesInterceptor,
];

/**
 * Starts restoring the session (refresh cookie → access token) as the app
 * boots. It does not hold the first render: public pages show at once, and
 * the auth guard waits for the same attempt.
 */
export function provideIdentity(): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideAppInitializer(() => {
      void inject(AuthService).restore();
    }),
  ]);
}
