import { Component, computed, input } from '@angular/core';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { CostStatus } from '@act/contracts';
import { COST_STATUS_INFO, countTooltip } from './cost-status';

/**
 * A small coloured pill for a cost status, optionally with a count ("3 unpriced"). Every status
 * has its own colour and a tooltip that says what it means; `data-status` lets tests check the
 * meaning without depending on colours.
 */
@Component({
  selector: 'act-cost-status-chip',
  imports: [MatTooltipModule],
  host: {
    '[attr.data-status]': 'status()',
    '[attr.data-count]': 'count()',
  },
  template: `
    <span
      class="chip"
      [class]="'chip status-' + status()"
      [attr.tabindex]="standalone() ? 0 : null"
      [matTooltip]="standalone() ? tooltip() : ''"
      [attr.aria-label]="standalone() ? text() + '. ' + tooltip() : null"
      >{{ text() }}</span
    >
  `,
  styleUrl: './cost-status-chip.css',
})
export class CostStatusChip {
  readonly status = input.required<CostStatus>();
  /** Shown before the label when set: `3 unpriced`. */
  readonly count = input<number | null>(null);
  /** Replaces the status name as the visible text (e.g. an amount in a matrix cell); the tooltip still names the status. */
  readonly label = input<string | null>(null);

  /** False inside a control that has its own label and focus (a matrix cell button). */
  readonly standalone = input(true);

  protected readonly text = computed(() => {
    const override = this.label();
    if (override !== null) return override;
    const label = COST_STATUS_INFO[this.status()].label;
    const count = this.count();
    return count === null ? label : `${count} ${label.toLowerCase()}`;
  });

  protected readonly tooltip = computed(() => {
    if (this.label() !== null) return `${COST_STATUS_INFO[this.status()].label}: ${COST_STATUS_INFO[this.status()].description}`;
    const count = this.count();
    return count === null ? COST_STATUS_INFO[this.status()].description : countTooltip(this.status(), count);
  });
}
