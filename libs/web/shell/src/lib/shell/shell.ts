import { BreakpointObserver } from '@angular/cdk/layout';
import { NgComponentOutlet } from '@angular/common';
import { Component, computed, inject, resource, viewChild } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatListModule } from '@angular/material/list';
import { MatSidenav, MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { WorkspaceContext, loadToolbarActions } from '@act/web/identity';
import { map } from 'rxjs';
import { PRODUCT_NAME } from '../product';
import { NAV_ITEMS } from './nav-items';

/** Below this width the sidenav would eat too much of the content. */
const NARROW_QUERY = '(max-width: 959.98px)';

@Component({
  selector: 'act-shell',
  imports: [
    MatButtonModule,
    MatListModule,
    MatSidenavModule,
    MatToolbarModule,
    NgComponentOutlet,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.css',
})
export class Shell {
  protected readonly productName = PRODUCT_NAME;
  private readonly workspace = inject(WorkspaceContext);

  /** Entries the caller's role cannot use are not shown (the API refuses them anyway). */
  protected readonly navItems = computed(() =>
    NAV_ITEMS.filter((item) => !item.permission || this.workspace.can(item.permission)),
  );

  /** Workspace switcher and user menu, loaded beside the first page. */
  protected readonly toolbarActions = resource({ loader: () => loadToolbarActions() });

  private readonly sidenav = viewChild.required(MatSidenav);

  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe(NARROW_QUERY)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly sidenavMode = computed(() =>
    this.narrow() ? 'over' : 'side',
  );

  protected toggleSidenav(): void {
    void this.sidenav().toggle();
  }

  /** In overlay mode the drawer would otherwise keep covering the new page. */
  protected onNavigate(): void {
    if (this.narrow()) {
      void this.sidenav().close();
    }
  }
}
