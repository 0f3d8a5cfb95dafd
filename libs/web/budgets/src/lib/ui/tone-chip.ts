import { Component, input } from '@angular/core';
import type { ChipTone } from '@act/web/identity';

/**
 * A small coloured label (severity, status), in the identity pages' chip colours. Plain CSS: the
 * identity StatusChip is a Material chip that this library can only load lazily (see IDENTITY_UI),
 * which is too much ceremony for a label. The tone is also `data-tone` for tests.
 */
@Component({
  selector: 'act-tone-chip',
  host: { '[attr.data-tone]': 'tone()' },
  template: `<span class="chip" [class]="'chip tone-' + tone()">{{ label() }}</span>`,
  styles: `
    :host {
      display: inline-block;
    }
    .chip {
      display: inline-block;
      padding: 2px 10px;
      border-radius: 8px;
      font: var(--mat-sys-label-medium);
      line-height: 20px;
      white-space: nowrap;
    }
    .tone-success {
      background: light-dark(#d7f5dd, #1e4d2b);
      color: light-dark(#0d5323, #b9f0c6);
    }
    .tone-warning {
      background: light-dark(#ffe8c2, #5a3c00);
      color: light-dark(#6b4500, #ffd99a);
    }
    .tone-error {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .tone-neutral {
      background: var(--mat-sys-surface-container-highest);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class ToneChip {
  readonly label = input.required<string>();
  readonly tone = input<ChipTone>('neutral');
}
