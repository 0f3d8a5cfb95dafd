import { Component, input } from '@angular/core';
import { BarChartModule } from '@swimlane/ngx-charts';
import { type ChartItem, axisMoney } from './chart-data';
import { CHART_SCHEME } from './chart-scheme';

/** Horizontal bars, one per item (e.g. cost by model), largest first as given. */
@Component({
  selector: 'act-cost-bar-chart',
  imports: [BarChartModule],
  template: `
    <div class="chart" [style.height.px]="height()" [attr.aria-label]="label()" role="img">
      <ngx-charts-bar-horizontal
        [results]="items()"
        [scheme]="scheme"
        [xAxis]="true"
        [yAxis]="true"
        [showGridLines]="true"
        [roundDomains]="true"
        [xAxisTickFormatting]="axisMoney"
        [trimYAxisTicks]="true"
        [maxYAxisTickLength]="22"
        [barPadding]="6"
      >
        <ng-template #tooltipTemplate let-model="model">
          <span class="tip">{{ model.name }}: {{ model.extra?.display }}</span>
        </ng-template>
      </ngx-charts-bar-horizontal>
    </div>
  `,
  styleUrl: './chart.css',
})
export class CostBarChart {
  readonly items = input.required<ChartItem[]>();
  readonly label = input.required<string>();
  readonly height = input(240);
  protected readonly scheme = CHART_SCHEME;
  protected readonly axisMoney = axisMoney;
}
