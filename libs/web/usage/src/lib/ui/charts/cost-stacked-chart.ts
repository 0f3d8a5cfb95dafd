import { Component, computed, input } from '@angular/core';
import { BarChartModule, LegendPosition } from '@swimlane/ngx-charts';
import { type ChartGroup, axisMoney } from './chart-data';
import { CHART_SCHEME } from './chart-scheme';

/** Vertical bars per day, stacked by group (provider, account, model or project). */
@Component({
  selector: 'act-cost-stacked-chart',
  imports: [BarChartModule],
  template: `
    <div class="chart" [style.height.px]="height()" [attr.aria-label]="label()" role="img">
      <ngx-charts-bar-vertical-stacked
        [results]="groups()"
        [scheme]="scheme"
        [xAxis]="true"
        [yAxis]="true"
        [legend]="true"
        [legendPosition]="below"
        legendTitle=""
        [showGridLines]="true"
        [roundDomains]="true"
        [yAxisTickFormatting]="axisMoney"
        [xAxisTickFormatting]="dayTick()"
        [trimXAxisTicks]="true"
        [barPadding]="4"
      >
        <ng-template #tooltipTemplate let-model="model">
          <span class="tip">{{ model.series }} · {{ model.name }}: {{ model.extra?.display }}</span>
        </ng-template>
      </ngx-charts-bar-vertical-stacked>
    </div>
  `,
  styleUrl: './chart.css',
})
export class CostStackedChart {
  readonly groups = input.required<ChartGroup[]>();
  readonly label = input.required<string>();
  readonly height = input(320);
  /** Text appended to a day's tick (the explorer marks anomaly days with ▲ / ▼). */
  readonly marks = input<Record<string, string>>({});
  protected readonly dayTick = computed(() => {
    const marks = this.marks();
    return (name: string) => (marks[name] ? `${name} ${marks[name]}` : name);
  });
  protected readonly scheme = CHART_SCHEME;
  protected readonly axisMoney = axisMoney;
  protected readonly below = LegendPosition.Below;
}
