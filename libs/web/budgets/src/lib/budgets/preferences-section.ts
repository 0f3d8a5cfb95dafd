import { Component, inject, input, linkedSignal, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { describeError } from '@act/web/identity';
import { firstValueFrom } from 'rxjs';
import { NotificationsApi } from '../data-access/budgets-api';
import { ALERT_KINDS, type AlertKind } from '../data-access/budget-types';
import { ALERT_KIND_LABELS } from '../ui/labels';

/** The signed-in member's own choice of alert kinds that reach them by e-mail (every role may set it). */
@Component({
  selector: 'act-preferences-section',
  imports: [MatButtonModule, MatCardModule, MatCheckboxModule],
  template: `
    <mat-card appearance="outlined" class="panel" data-testid="preferences-section">
      <mat-card-header>
        <mat-card-title><h2>My notifications</h2></mat-card-title>
        <mat-card-subtitle>Which alerts reach you by e-mail, through e-mail channels sent to the members.</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        @if (preferences.error(); as error) {
          <p class="error" role="alert">{{ describe(error, 'Your preferences could not be loaded.') }}</p>
        }
        @if (preferences.hasValue()) {
          <mat-checkbox [checked]="email()" (change)="email.set($event.checked)" data-testid="preferences-email">Send me alert e-mails</mat-checkbox>
          <div class="checks">
            @for (k of kinds; track k) {
              <mat-checkbox
                [checked]="chosen().includes(k)"
                [disabled]="!email()"
                (change)="toggle(k, $event.checked)"
                [attr.data-testid]="'preferences-kind-' + k"
                >{{ labels[k] }}</mat-checkbox
              >
            }
          </div>
          @if (preferences.value().isDefault) {
            <p class="muted">You have not chosen yet: every kind reaches you.</p>
          }
          @if (saved()) {
            <p class="notice" data-testid="preferences-saved">Saved.</p>
          }
          @if (error(); as text) {
            <p class="error" role="alert" data-testid="preferences-error">{{ text }}</p>
          }
          <button matButton="tonal" type="button" data-testid="preferences-save" [disabled]="saving()" (click)="save()">Save</button>
        }
      </mat-card-content>
    </mat-card>
  `,
  styleUrls: ['../../../../usage/src/lib/ui/page.css', './budgets-page.css'],
})
export class PreferencesSection {
  readonly workspaceId = input.required<string>();
  private readonly api = inject(NotificationsApi);

  protected readonly kinds = ALERT_KINDS;
  protected readonly labels = ALERT_KIND_LABELS;

  protected readonly preferences = rxResource({
    params: () => this.workspaceId(),
    stream: ({ params: ws }) => this.api.preferences(ws),
  });
  protected readonly chosen = linkedSignal<AlertKind[]>(() => (this.preferences.hasValue() ? this.preferences.value().alertKinds : [...ALERT_KINDS]));
  protected readonly email = linkedSignal(() => (this.preferences.hasValue() ? this.preferences.value().email : true));
  protected readonly saving = signal(false);
  protected readonly saved = signal(false);
  protected readonly error = signal<string | null>(null);

  protected describe(error: unknown, fallback: string): string {
    return describeError(error, fallback);
  }

  protected toggle(kind: AlertKind, checked: boolean): void {
    this.saved.set(false);
    this.chosen.update((kinds) => (checked ? ALERT_KINDS.filter((k) => k === kind || kinds.includes(k)) : kinds.filter((k) => k !== kind)));
  }

  protected async save(): Promise<void> {
    this.saving.set(true);
    this.error.set(null);
    this.saved.set(false);
    try {
      await firstValueFrom(this.api.savePreferences(this.workspaceId(), { alertKinds: this.chosen(), email: this.email() }));
      this.saved.set(true);
      this.preferences.reload();
    } catch (error) {
      this.error.set(describeError(error, 'Your preferences could not be saved.'));
    } finally {
      this.saving.set(false);
    }
  }
}
