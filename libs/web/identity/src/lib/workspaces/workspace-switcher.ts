import { Component, Injector, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDividerModule } from '@angular/material/divider';
import { MatMenuModule } from '@angular/material/menu';
import { ROLE_LABELS } from './permissions';
import { WorkspaceContext } from './workspace-context';

/** Toolbar menu: the current workspace, switching to another, creating one. */
@Component({
  selector: 'act-workspace-switcher',
  imports: [MatButtonModule, MatDividerModule, MatMenuModule],
  template: `
    <button
      matButton
      type="button"
      class="trigger"
      [matMenuTriggerFor]="menu"
      [attr.aria-label]="'Workspace: ' + (context.current()?.name ?? 'none') + '. Switch workspace'"
      data-testid="workspace-switcher"
    >
      <span class="name" data-testid="workspace-current">{{
        context.current()?.name ?? 'No workspace'
      }}</span>
      <svg class="caret" viewBox="0 0 24 24" aria-hidden="true"><path d="M7 10l5 5 5-5z" /></svg>
    </button>
    <mat-menu #menu="matMenu" xPosition="before">
      @for (workspace of context.workspaces(); track workspace.id) {
        <button
          mat-menu-item
          type="button"
          role="menuitemradio"
          [attr.aria-checked]="workspace.id === context.currentId()"
          [attr.aria-label]="workspace.name + ', ' + roleLabels[workspace.role]"
          [attr.data-workspace-id]="workspace.id"
          data-testid="workspace-option"
          (click)="context.select(workspace.id)"
        >
          <span class="option">
            <span [class.current]="workspace.id === context.currentId()">{{ workspace.name }}</span>
            <span class="role">{{ roleLabels[workspace.role] }}</span>
          </span>
        </button>
      }
      @if (context.workspaces().length > 0) {
        <mat-divider />
      }
      <button mat-menu-item type="button" data-testid="workspace-new" (click)="create()">
        New workspace…
      </button>
    </mat-menu>
  `,
  styles: `
    :host {
      display: block;
      min-width: 0;
    }
    .trigger {
      --mat-button-text-label-text-color: inherit;
      max-width: 100%;
    }
    .name {
      display: inline-block;
      max-width: min(40vw, 280px);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      vertical-align: bottom;
    }
    .caret {
      width: 20px;
      height: 20px;
      fill: currentColor;
      flex: none;
    }
    .option {
      display: flex;
      gap: 16px;
      justify-content: space-between;
      width: 100%;
    }
    .current {
      font-weight: 600;
    }
    .role {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class WorkspaceSwitcher {
  protected readonly context = inject(WorkspaceContext);
  private readonly injector = inject(Injector);
  protected readonly roleLabels = ROLE_LABELS;

  /**
   * The dialog, its form and the dialog service load on first use: the
   * toolbar is part of the initial bundle, and creating a workspace is rare.
   */
  protected async create(): Promise<void> {
    const [{ MatDialog }, { NewWorkspaceDialog }] = await Promise.all([
      import('@angular/material/dialog'),
      import('./new-workspace-dialog'),
    ]);
    this.injector
      .get(MatDialog)
      .open(NewWorkspaceDialog, { width: '440px', maxWidth: '95vw' });
  }
}
