import { Component, input } from '@angular/core';
import { LegendPosition, PieChartModule } from '@swimlane/ngx-charts';
import type { ChartItem } from './chart-data';
import { CHART_SCHEME } from './chart-scheme';

/** A doughnut with a legend (e.g. cost by provider). */
@Component({
  selector: 'act-cost-pie-chart',
  imports: [PieChartModule],
  template: `
    <div class="chart" [style.height.px]="height()" [attr.aria-label]="label()" role="img">
      <ngx-charts-pie-chart
        [results]="items()"
        [scheme]="scheme"
        [doughnut]="true"
        [arcWidth]="0.35"
        [legend]="true"
        [legendPosition]="below"
        legendTitle=""
      >
        <ng-template #tooltipTemplate let-model="model">
          <span class="tip">{{ model.name }}: {{ model.extra?.display }}</span>
        </ng-template>
      </ngx-charts-pie-chart>
    </div>
  `,
  styleUrl: './chart.css',
})
export class CostPieChart {
  readonly items = input.required<ChartItem[]>();
  readonly label = input.required<string>();
  readonly height = input(260);
  protected readonly scheme = CHART_SCHEME;
  protected readonly below = LegendPosition.Below;
}
