import { Component, computed, inject } from '@angular/core';
import { WorkspaceContext } from '@act/web/identity';
import { AlertsSection } from './alerts-section';
import { BudgetsSection } from './budgets-section';
import { ChannelsSection } from './channels-section';
import { PreferencesSection } from './preferences-section';

/**
 * Budgets & alerts: budgets with this month's spend, alert history with acknowledge and the
 * anomaly sensitivity, notification channels with test-send and delivery history, and the
 * caller's own notification preferences. Buttons follow the role (the API checks anyway):
 * budgets and alerts need budgets:manage, channels accounts:manage.
 */
@Component({
  selector: 'act-budgets-page',
  imports: [AlertsSection, BudgetsSection, ChannelsSection, PreferencesSection],
  template: `
    <section data-testid="budgets-page">
      <div class="header">
        <h1>Budgets &amp; alerts</h1>
      </div>
      @if (context.currentId(); as ws) {
        <act-budgets-section #budgets [workspaceId]="ws" [canManage]="canManageBudgets()" />
        <act-alerts-section [workspaceId]="ws" [canManage]="canManageBudgets()" (evaluated)="budgets.reload()" />
        <act-channels-section [workspaceId]="ws" [canManage]="canManageChannels()" />
        <act-preferences-section [workspaceId]="ws" />
      } @else {
        <p class="notice" data-testid="no-workspace">Create or join a workspace first.</p>
      }
    </section>
  `,
  styleUrls: ['../../../../usage/src/lib/ui/page.css'],
})
export class BudgetsPage {
  protected readonly context = inject(WorkspaceContext);
  protected readonly canManageBudgets = computed(() => this.context.can('budgets:manage'));
  protected readonly canManageChannels = computed(() => this.context.can('accounts:manage'));
}
