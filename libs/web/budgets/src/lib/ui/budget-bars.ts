import { Component, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { BudgetDto } from '../data-access/budget-types';
import { budgetBar } from './budget-model';

/** This month's spend of each budget against its amount, with the thresholds it has passed. */
@Component({
  selector: 'act-budget-bars',
  imports: [MatProgressBarModule],
  template: `
    <ul class="bars" data-testid="budget-bars">
      @for (budget of budgets(); track budget.id) {
        @let bar = view(budget);
        <li data-testid="budget-bar" [attr.data-tone]="bar.tone" [attr.data-budget-id]="budget.id">
          <div class="line">
            <span class="name" data-testid="budget-bar-name">{{ budget.name }}</span>
            <span class="figures">
              <span data-testid="budget-bar-spent">{{ bar.spent }}</span> of {{ bar.amount }} ·
              <strong data-testid="budget-bar-percent">{{ bar.percent }}</strong>
            </span>
          </div>
          <mat-progress-bar mode="determinate" [value]="bar.fill" [class]="'tone-' + bar.tone" [attr.aria-label]="budget.name + ': ' + bar.percent + ' used'" />
          @if (bar.passed.length > 0) {
            <div class="muted small">Passed {{ bar.passed.join(', ') }}</div>
          }
        </li>
      } @empty {
        <li class="muted" data-testid="budget-bars-empty">No budget yet.</li>
      }
    </ul>
  `,
  styles: `
    .bars {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .line {
      display: flex;
      justify-content: space-between;
      gap: 8px;
      flex-wrap: wrap;
      margin-bottom: 4px;
    }
    .name {
      font-weight: 500;
    }
    .figures {
      font-variant-numeric: tabular-nums;
    }
    .muted {
      color: var(--mat-sys-on-surface-variant);
    }
    .small {
      font-size: 12px;
      margin-top: 2px;
    }
    .tone-warning {
      --mat-progress-bar-active-indicator-color: #e07b24;
    }
    .tone-error {
      --mat-progress-bar-active-indicator-color: var(--mat-sys-error);
    }
  `,
})
export class BudgetBars {
  readonly budgets = input.required<BudgetDto[]>();
  protected readonly view = budgetBar;
}
