import { Component, input } from '@angular/core';
import { PieChartModule } from '@swimlane/ngx-charts';
import { CHART_COLORS, type ChartItem } from './chart-data';
import { CHART_SCHEME } from './chart-scheme';

/**
 * A doughnut (e.g. cost by provider) with a legend of our own beside it: ngx-charts' legend has
 * no room for the amounts, and the exact figure is what people read.
 */
@Component({
  selector: 'act-cost-pie-chart',
  imports: [PieChartModule],
  template: `
    <div class="pie">
      <div class="chart" [style.height.px]="height()" [attr.aria-label]="label()" role="img">
        <ngx-charts-pie-chart [results]="items()" [scheme]="scheme" [doughnut]="true" [arcWidth]="0.35" [legend]="false">
          <ng-template #tooltipTemplate let-model="model">
            <span class="tip">{{ model.name }}: {{ model.extra?.display }}</span>
          </ng-template>
        </ngx-charts-pie-chart>
      </div>
      <ul class="legend" [attr.aria-label]="label()">
        @for (item of items(); track item.name; let i = $index) {
          <li>
            <span class="swatch" [style.background]="color(i)" aria-hidden="true"></span>
            <span class="name" data-testid="chart-legend-name">{{ item.name }}</span>
            <span class="amount" data-testid="chart-legend-amount">{{ item.extra.display }}</span>
          </li>
        }
      </ul>
    </div>
  `,
  styleUrl: './chart.css',
  styles: `
    .pie {
      display: grid;
      grid-template-columns: minmax(0, 3fr) minmax(140px, 2fr);
      align-items: center;
      gap: 12px;
    }
    .legend {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    .legend li {
      display: grid;
      grid-template-columns: 12px 1fr auto;
      align-items: center;
      gap: 8px;
    }
    .swatch {
      width: 12px;
      height: 12px;
      border-radius: 3px;
    }
    .name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .amount {
      font-variant-numeric: tabular-nums;
    }
  `,
})
export class CostPieChart {
  readonly items = input.required<ChartItem[]>();
  readonly label = input.required<string>();
  readonly height = input(240);
  protected readonly scheme = CHART_SCHEME;

  /** ngx-charts gives ordinal colours in the order of the results. */
  protected color(index: number): string {
    return CHART_COLORS[index % CHART_COLORS.length] as string;
  }
}
