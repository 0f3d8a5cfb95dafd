import {
  provideHttpClient,
  withFetch,
  withInterceptors,
} from '@angular/common/http';
import {
  ApplicationConfig,
  provideBrowserGlobalErrorListeners,
} from '@angular/core';
import { provideRouter, withInMemoryScrolling } from '@angular/router';
import { IDENTITY_INTERCEPTORS, provideIdentity } from '@act/web/identity';
import { appRoutes } from './app.routes';

// Zoneless change detection is the default since Angular 21, and Material 22
// animates with CSS, so neither a zone provider nor an animations provider is
// needed here.
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(
      appRoutes,
      withInMemoryScrolling({ scrollPositionRestoration: 'top' }),
    ),
    provideHttpClient(withFetch(), withInterceptors(IDENTITY_INTERCEPTORS)),
    provideIdentity(),
  ],
};
