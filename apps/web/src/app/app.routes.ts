import { Route } from '@angular/router';
import { shellRoutes } from '@act/web/shell';

export const appRoutes: Route[] = shellRoutes;
