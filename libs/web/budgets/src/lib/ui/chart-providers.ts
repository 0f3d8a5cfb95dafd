import type { EnvironmentProviders } from '@angular/core';
import { provideAnimationsAsync } from '@angular/platform-browser/animations/async';

/**
 * ngx-charts animates with `@angular/animations`; the renderer is provided only on the lazy routes
 * of pages that draw charts (same reasoning as web-usage's chart providers).
 */
export function provideCharts(): EnvironmentProviders[] {
  return [provideAnimationsAsync()];
}
