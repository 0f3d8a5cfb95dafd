import { Component } from '@angular/core';
import { COST_STATUS_INFO, COST_STATUS_ORDER } from './cost-status';
import { CostStatusChip } from './cost-status-chip';

/** The five statuses with what each means, beside a matrix or table of chips. */
@Component({
  selector: 'act-cost-status-legend',
  imports: [CostStatusChip],
  template: `
    <dl class="legend" data-testid="cost-status-legend">
      @for (status of statuses; track status) {
        <div class="entry">
          <dt><act-cost-status-chip [status]="status" /></dt>
          <dd>{{ info[status].description }}</dd>
        </div>
      }
    </dl>
  `,
  styles: `
    .legend {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
      gap: 8px 16px;
      margin: 8px 0 16px;
    }
    .entry {
      display: flex;
      gap: 8px;
      align-items: baseline;
    }
    dd {
      margin: 0;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class CostStatusLegend {
  protected readonly statuses = COST_STATUS_ORDER;
  protected readonly info = COST_STATUS_INFO;
}
