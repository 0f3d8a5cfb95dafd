import { Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDividerModule } from '@angular/material/divider';
import { MatMenuModule } from '@angular/material/menu';
import { AuthService } from '../auth/auth-service';

/** Toolbar menu with who is signed in and "Sign out". */
@Component({
  selector: 'act-user-menu',
  imports: [MatButtonModule, MatDividerModule, MatMenuModule],
  template: `
    <button
      matIconButton
      type="button"
      class="avatar-button"
      [matMenuTriggerFor]="menu"
      [attr.aria-label]="'Account menu for ' + (auth.user()?.email ?? 'you')"
      data-testid="user-menu"
    >
      <span class="avatar" aria-hidden="true">{{ initial() }}</span>
    </button>
    <mat-menu #menu="matMenu" xPosition="before">
      <div class="who" data-testid="user-menu-identity">
        <strong>{{ auth.user()?.displayName }}</strong>
        <span data-testid="user-menu-email">{{ auth.user()?.email }}</span>
      </div>
      <mat-divider />
      <button mat-menu-item type="button" data-testid="sign-out" (click)="signOut()">
        Sign out
      </button>
    </mat-menu>
  `,
  styles: `
    .avatar {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      width: 32px;
      height: 32px;
      border-radius: 50%;
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
      font: var(--mat-sys-title-small);
    }
    .who {
      display: flex;
      flex-direction: column;
      padding: 8px 16px;
      max-width: 280px;
      overflow-wrap: anywhere;
    }
  `,
})
export class UserMenu {
  protected readonly auth = inject(AuthService);

  protected readonly initial = computed(() => {
    const user = this.auth.user();
    const source = user?.displayName || user?.email || '?';
    return source.charAt(0).toUpperCase();
  });

  protected signOut(): void {
    void this.auth.logout();
  }
}
