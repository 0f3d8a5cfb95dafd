import {
  HttpErrorResponse,
  HttpInterceptorFn,
  HttpRequest,
} from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { apiPath, isApiUrl } from '../http/api';
import { AuthService } from './auth-service';

/**
 * Endpoints that establish a session: they never carry the access token, and
 * a 401 from them is an answer (wrong password, no refresh cookie), not an
 * expired token to renew.
 */
const SESSION_ENDPOINTS = new Set(['auth/login', 'auth/register', 'auth/refresh']);

/**
 * Adds `Authorization: Bearer <access token>` to API requests. On a 401 it
 * refreshes the session once and retries the request once; if the refresh
 * fails, or the retry is refused again, the session is over and the user is
 * sent to /sign-in with the page they were on as the return URL.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  if (!isApiUrl(req.url)) return next(req);
  const path = apiPath(req.url);
  if (SESSION_ENDPOINTS.has(path)) return next(req);

  const auth = inject(AuthService);
  const sentWith = auth.accessToken();

  return next(withToken(req, sentWith)).pipe(
    catchError((error: unknown) => {
      if (!isUnauthorizedError(error) || path === 'auth/logout') {
        return throwError(() => error);
      }
      // Another request may already have renewed the token while this one was
      // in flight: retry with that one instead of rotating the cookie again.
      const current = auth.accessToken();
      const renewed =
        current !== null && current !== sentWith
          ? Promise.resolve(current)
          : auth.refresh().then((session) => session?.accessToken ?? null);

      return from(renewed).pipe(
        switchMap((token) => {
          if (token === null) {
            auth.expire();
            return throwError(() => error);
          }
          return next(withToken(req, token)).pipe(
            catchError((retryError: unknown) => {
              if (isUnauthorizedError(retryError)) auth.expire();
              return throwError(() => retryError);
            }),
          );
        }),
      );
    }),
  );
};

function withToken<T>(req: HttpRequest<T>, token: string | null): HttpRequest<T> {
  return token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;
}

function isUnauthorizedError(error: unknown): boolean {
  return error instanceof HttpErrorResponse && error.status === 401;
}
