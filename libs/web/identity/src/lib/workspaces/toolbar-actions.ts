import { Component } from '@angular/core';
import { UserMenu } from './user-menu';
import { WorkspaceSwitcher } from './workspace-switcher';

/** The identity part of the shell's toolbar: workspace switcher and user menu. */
@Component({
  selector: 'act-toolbar-actions',
  imports: [UserMenu, WorkspaceSwitcher],
  template: `<act-workspace-switcher /><act-user-menu />`,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 4px;
      min-width: 0;
      flex: 0 1 auto;
    }
  `,
})
export class ToolbarActions {}
