import { Clipboard } from '@angular/cdk/clipboard';
import { Component, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

/**
 * A value the server shows only once (an invitation link, an ingest key):
 * read-only, selectable, with a copy button and a warning that it will not be
 * shown again.
 */
@Component({
  selector: 'act-secret-field',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <div class="row">
      <mat-form-field appearance="outline" subscriptSizing="dynamic" class="field">
        <mat-label>{{ label() }}</mat-label>
        <input
          matInput
          readonly
          [value]="value()"
          [attr.data-testid]="valueTestId()"
          (focus)="select($event)"
        />
        <mat-hint>Shown only this once. Copy it now.</mat-hint>
      </mat-form-field>
      <button
        matButton="tonal"
        type="button"
        [attr.data-testid]="copyTestId()"
        [attr.aria-label]="'Copy ' + label()"
        (click)="copy()"
      >
        {{ copied() ? 'Copied' : 'Copy' }}
      </button>
    </div>
  `,
  styles: `
    .row {
      display: flex;
      align-items: flex-start;
      gap: 8px;
    }
    .field {
      flex: 1 1 auto;
      min-width: 0;
    }
    button {
      margin-top: 8px;
    }
  `,
})
export class SecretField {
  private readonly clipboard = inject(Clipboard);

  readonly label = input.required<string>();
  readonly value = input.required<string>();
  readonly valueTestId = input<string>('secret-value');
  readonly copyTestId = input<string>('secret-copy');

  protected readonly copied = signal(false);

  protected copy(): void {
    this.copied.set(this.clipboard.copy(this.value()));
  }

  protected select(event: FocusEvent): void {
    (event.target as HTMLInputElement).select();
  }
}
