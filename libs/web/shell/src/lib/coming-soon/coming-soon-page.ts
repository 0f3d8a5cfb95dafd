import { Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { ComingSoonRouteData } from '../shell.routes';

/**
 * One placeholder for every page that is planned but not built yet; the route
 * names the page, so adding a nav entry does not mean adding a component.
 */
@Component({
  selector: 'act-coming-soon-page',
  imports: [MatCardModule, RouterLink],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>
          <h1 class="title" data-testid="coming-soon-title">{{ page() }}</h1>
        </mat-card-title>
      </mat-card-header>
      <mat-card-content>
        <p data-testid="coming-soon-message">
          {{ page() }} is not available yet. It will appear here in a later
          version.
        </p>
        <p>
          Meanwhile, <a routerLink="/status">System status</a> shows whether
          the server and its database are healthy.
        </p>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .title {
      margin: 0;
      font: inherit;
    }
  `,
})
export class ComingSoonPage {
  private readonly data = toSignal(inject(ActivatedRoute).data);

  protected readonly page = computed(() => {
    const data = this.data() as Partial<ComingSoonRouteData> | undefined;
    return data?.page ?? 'This page';
  });
}
