import { Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import { HealthService } from '../health/health-service';
import { PRODUCT_NAME } from '../product';

type Indicator = 'checking' | 'ok' | 'degraded' | 'unreachable';

@Component({
  selector: 'act-overview-page',
  imports: [MatButtonModule, MatCardModule, RouterLink],
  templateUrl: './overview-page.html',
  styleUrl: './overview-page.css',
})
export class OverviewPage {
  protected readonly productName = PRODUCT_NAME;

  private readonly healthService = inject(HealthService);

  protected readonly health = rxResource({
    stream: () => this.healthService.get(),
  });

  protected readonly indicator = computed((): Indicator => {
    if (this.health.isLoading()) return 'checking';
    if (this.health.error()) return 'unreachable';
    return this.health.hasValue() ? this.health.value().status : 'checking';
  });

  protected readonly indicatorText = computed(() => {
    switch (this.indicator()) {
      case 'checking':
        return 'Checking the server…';
      case 'ok':
        return 'Server is healthy';
      case 'degraded':
        return 'Server is degraded';
      case 'unreachable':
        return 'Server is unreachable';
    }
  });
}
