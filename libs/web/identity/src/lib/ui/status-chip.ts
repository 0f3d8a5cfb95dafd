import { Component, input } from '@angular/core';
import { MatChipsModule } from '@angular/material/chips';

export type ChipTone = 'success' | 'warning' | 'error' | 'neutral';

/**
 * A coloured, non-interactive chip. The tone is also exposed as `data-tone`
 * so tests can check the meaning without depending on colours.
 */
@Component({
  selector: 'act-status-chip',
  imports: [MatChipsModule],
  host: { '[attr.data-tone]': 'tone()' },
  template: `
    <mat-chip-set>
      <mat-chip [class]="'tone-' + tone()" [disableRipple]="true">{{ label() }}</mat-chip>
    </mat-chip-set>
  `,
  styles: `
    :host {
      display: inline-block;
    }
    mat-chip {
      --mat-chip-container-height: 24px;
      --mat-chip-outline-width: 0;
    }
    .tone-success {
      --mat-chip-elevated-container-color: light-dark(#d7f5dd, #1e4d2b);
      --mat-chip-label-text-color: light-dark(#0d5323, #b9f0c6);
    }
    .tone-warning {
      --mat-chip-elevated-container-color: light-dark(#ffe8c2, #5a3c00);
      --mat-chip-label-text-color: light-dark(#6b4500, #ffd99a);
    }
    .tone-error {
      --mat-chip-elevated-container-color: var(--mat-sys-error-container);
      --mat-chip-label-text-color: var(--mat-sys-on-error-container);
    }
    .tone-neutral {
      --mat-chip-elevated-container-color: var(--mat-sys-surface-container-highest);
      --mat-chip-label-text-color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class StatusChip {
  readonly label = input.required<string>();
  readonly tone = input<ChipTone>('neutral');
}
