import { Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import type { AlertDto } from '../data-access/budget-types';
import { ALERT_KIND_LABELS, SEVERITY_TONES, STATUS_TONES, shortTime } from './labels';
import { ToneChip } from './tone-chip';

/** Alerts, newest first, with their status and an acknowledge button for those who may. */
@Component({
  selector: 'act-alert-list',
  imports: [MatButtonModule, ToneChip],
  template: `
    <ul class="alerts" data-testid="alert-list">
      @for (alert of alerts(); track alert.id) {
        <li data-testid="alert-row" [attr.data-alert-id]="alert.id" [attr.data-status]="alert.status" [attr.data-kind]="alert.kind">
          <div class="head">
            <act-tone-chip [label]="alert.severity" [tone]="tones[alert.severity]" data-testid="alert-severity" />
            <span class="title" data-testid="alert-title">{{ alert.title }}</span>
            <span class="spacer"></span>
            <act-tone-chip [label]="alert.status" [tone]="statusTones[alert.status]" data-testid="alert-status" />
            @if (canAcknowledge() && alert.status === 'open') {
              <button
                matButton="tonal"
                type="button"
                data-testid="alert-ack"
                [disabled]="busy() === alert.id"
                (click)="acknowledge.emit(alert)"
              >
                Acknowledge
              </button>
            }
          </div>
          <div class="message">{{ alert.message }}</div>
          <div class="muted small">
            {{ kinds[alert.kind] }} · {{ alert.subject.label }} · raised {{ time(alert.raisedAt) }} UTC
            @if (alert.acknowledgedAt) {
              · acknowledged {{ time(alert.acknowledgedAt) }}
            }
            @if (alert.resolvedAt) {
              · resolved {{ time(alert.resolvedAt) }}{{ alert.resolution ? ' (' + alert.resolution + ')' : '' }}
            }
          </div>
        </li>
      } @empty {
        <li class="muted" data-testid="alert-list-empty">{{ emptyText() }}</li>
      }
    </ul>
  `,
  styles: `
    .alerts {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      padding: 10px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    li:last-child {
      border-bottom: 0;
    }
    .head {
      display: flex;
      align-items: center;
      flex-wrap: wrap;
      gap: 8px;
    }
    .title {
      font-weight: 500;
    }
    .spacer {
      flex: 1 1 auto;
    }
    .message {
      margin: 4px 0;
    }
    .muted {
      color: var(--mat-sys-on-surface-variant);
    }
    .small {
      font-size: 12px;
    }
  `,
})
export class AlertList {
  readonly alerts = input.required<AlertDto[]>();
  readonly canAcknowledge = input(false);
  /** The alert being acknowledged (its button is disabled meanwhile). */
  readonly busy = input<string | null>(null);
  readonly emptyText = input('No alerts.');
  readonly acknowledge = output<AlertDto>();

  protected readonly kinds = ALERT_KIND_LABELS;
  protected readonly tones = SEVERITY_TONES;
  protected readonly statusTones = STATUS_TONES;
  protected readonly time = shortTime;
}
