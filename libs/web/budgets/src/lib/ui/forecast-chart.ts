import { Component, computed, input } from '@angular/core';
import { Color, LegendPosition, LineChartModule, ScaleType } from '@swimlane/ngx-charts';
import type { ForecastFiguresDto } from '../data-access/budget-types';
import { ACTUAL_SERIES, BAND_80_SERIES, BAND_95_SERIES, forecastChart } from './forecast-chart-model';
import { axisMoney } from './money';

const SCHEME: Color = { name: 'act-forecast', selectable: true, group: ScaleType.Ordinal, domain: ['#3f6fd8', '#e07b24', '#c45f10'] };

/**
 * Month-to-date spend with the forecast's 80% and 95% interval bands and the budget as a line.
 * Needs the charts' animation provider on its route (ngx-charts).
 */
@Component({
  selector: 'act-forecast-chart',
  imports: [LineChartModule],
  template: `
    <div class="chart" [style.height.px]="height()" [attr.aria-label]="label()" role="img" data-testid="forecast-chart">
      <ngx-charts-line-chart
        [results]="data().series"
        [scheme]="scheme"
        [customColors]="colors"
        [xAxis]="true"
        [yAxis]="true"
        [legend]="true"
        [legendPosition]="below"
        legendTitle=""
        [showGridLines]="true"
        [yAxisTickFormatting]="axisMoney"
        [yScaleMax]="data().yMax"
        [referenceLines]="data().referenceLines"
        [showRefLines]="data().referenceLines.length > 0"
        [showRefLabels]="true"
        [rangeFillOpacity]="0.22"
        [trimXAxisTicks]="true"
        [autoScale]="false"
      >
        <ng-template #tooltipTemplate let-model="model">
          <span class="tip">{{ model.series }} · {{ model.name }}: {{ model.extra?.display }}</span>
        </ng-template>
        <ng-template #seriesTooltipTemplate let-model="model">
          @for (entry of model; track entry.series) {
            <span class="tip">{{ entry.series }}: {{ entry.extra?.display }}</span>
          }
        </ng-template>
      </ngx-charts-line-chart>
    </div>
  `,
  styles: `
    :host {
      display: block;
      min-width: 0;
    }
    .chart {
      width: 100%;
      overflow: hidden;
    }
    .tip {
      display: block;
      padding: 4px;
      font-size: 12px;
    }
    :host ::ng-deep .ngx-charts text {
      fill: var(--mat-sys-on-surface-variant);
    }
    :host ::ng-deep .chart-legend .legend-label {
      color: var(--mat-sys-on-surface-variant);
    }
    :host ::ng-deep .chart-legend .legend-labels {
      background: var(--mat-sys-surface-container);
    }
    :host ::ng-deep .ref-line .refline-path {
      stroke: var(--mat-sys-error);
      stroke-dasharray: 6 4;
      stroke-width: 2;
    }
  `,
})
export class ForecastChart {
  readonly figures = input.required<ForecastFiguresDto>();
  /** The budget the curve is read against (decimal string), or null. */
  readonly budget = input<string | null>(null);
  readonly currency = input('USD');
  readonly label = input('Month-to-date spend and forecast');
  readonly height = input(280);

  protected readonly data = computed(() => forecastChart(this.figures(), this.budget(), this.currency()));
  protected readonly scheme = SCHEME;
  protected readonly colors = [
    { name: ACTUAL_SERIES, value: '#3f6fd8' },
    { name: BAND_95_SERIES, value: '#e07b24' },
    { name: BAND_80_SERIES, value: '#c45f10' },
  ];
  protected readonly axisMoney = axisMoney;
  protected readonly below = LegendPosition.Below;
}
