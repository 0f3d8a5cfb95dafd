import type { EnvironmentProviders } from '@angular/core';
import { provideAnimationsAsync } from '@angular/platform-browser/animations/async';

/**
 * ngx-charts 25 animates with `@angular/animations`, which needs an animation renderer.
 * `provideAnimationsAsync()` is deprecated in Angular 22, so it is provided only on the lazy
 * routes of pages that draw charts (the router creates their components with the route's
 * injector, so the renderer applies to them and nowhere else), and the animation engine itself
 * is loaded on first use, not in the initial bundle. Remove this when ngx-charts drops it.
 */
export function provideCharts(): EnvironmentProviders[] {
  return [provideAnimationsAsync()];
}
