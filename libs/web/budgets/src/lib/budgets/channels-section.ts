import { NgComponentOutlet } from '@angular/common';
import { Component, computed, inject, input, resource, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { IDENTITY_UI, describeError } from '@act/web/identity';
import { firstValueFrom, map } from 'rxjs';
import { NotificationsApi } from '../data-access/budgets-api';
import {
  ALERT_KINDS,
  ALERT_SEVERITIES,
  CHANNEL_KINDS,
  type AlertKind,
  type AlertSeverity,
  type ChannelDto,
  type ChannelKind,
} from '../data-access/budget-types';
import { ALERT_KIND_LABELS, CHANNEL_KIND_LABELS, DELIVERY_TONES, isWebhookKind, shortTime } from '../ui/labels';
import { ToneChip } from '../ui/tone-chip';
import { attemptLines, channelRequest, testSummary } from './channels-model';

/**
 * Notification channels: e-mail, Slack, Discord, Teams and signed generic webhooks. The signing
 * secret of a webhook is shown once, in the answer that created it. Test-send per channel, and the
 * delivery history (attempts, status) of each.
 */
@Component({
  selector: 'act-channels-section',
  imports: [
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    ReactiveFormsModule,
    NgComponentOutlet,
    ToneChip,
  ],
  template: `
    <mat-card appearance="outlined" class="panel" data-testid="channels-section">
      <mat-card-header>
        <mat-card-title><h2>Notification channels</h2></mat-card-title>
        <mat-card-subtitle>Where alerts are sent. Webhook URLs are stored encrypted and shown only as a hint.</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        @if (channels.isLoading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading channels" />
        }
        @if (channels.error(); as error) {
          <p class="error" role="alert" data-testid="channels-error">{{ describe(error, 'The channels could not be loaded.') }}</p>
        }
        @if (channels.hasValue()) {
          <div class="table-scroll">
            <table mat-table [dataSource]="channels.value()" aria-label="Notification channels" data-testid="channels-table">
              <ng-container matColumnDef="name">
                <th mat-header-cell *matHeaderCellDef>Channel</th>
                <td mat-cell *matCellDef="let c">
                  <div class="cell-stack">
                    <span data-testid="channel-name">{{ c.name }}</span>
                    <span class="muted">{{ kindLabel(c) }}{{ c.signed ? ', signed' : '' }}{{ c.enabled ? '' : ' (disabled)' }}</span>
                  </div>
                </td>
              </ng-container>
              <ng-container matColumnDef="target">
                <th mat-header-cell *matHeaderCellDef>Sends to</th>
                <td mat-cell *matCellDef="let c"><code>{{ c.targetHint ?? recipientsText(c) }}</code></td>
              </ng-container>
              <ng-container matColumnDef="alerts">
                <th mat-header-cell *matHeaderCellDef>Alerts</th>
                <td mat-cell *matCellDef="let c" class="muted">{{ kindsText(c) }}; {{ c.minSeverity }} and above</td>
              </ng-container>
              <ng-container matColumnDef="actions">
                <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
                <td mat-cell *matCellDef="let c">
                  <div class="row-actions">
                    @if (canManage()) {
                      <button matButton type="button" data-testid="channel-test" [disabled]="testing() === c.id" (click)="test(c)">Test</button>
                    }
                    <button matButton type="button" data-testid="channel-history" (click)="toggleHistory(c)">
                      {{ historyOf() === c.id ? 'Hide history' : 'History' }}
                    </button>
                    @if (canManage()) {
                      <button matButton type="button" data-testid="channel-toggle" (click)="toggleEnabled(c)">{{ c.enabled ? 'Disable' : 'Enable' }}</button>
                      @if (c.signed) {
                        <button matButton type="button" data-testid="channel-rotate" (click)="rotate(c)">New secret</button>
                      }
                      <button matButton type="button" data-testid="channel-delete" (click)="remove(c)">Delete</button>
                    }
                  </div>
                </td>
              </ng-container>
              <tr mat-header-row *matHeaderRowDef="columns"></tr>
              <tr mat-row *matRowDef="let row; columns: columns" data-testid="channel-row" [attr.data-channel-id]="row.id"></tr>
            </table>
          </div>
          @if (channels.value().length === 0) {
            <p class="muted" data-testid="channels-empty">No channel yet: alerts show here only.</p>
          }
        }
        @if (message(); as text) {
          <p class="notice" data-testid="channel-message">{{ text }}</p>
        }
        @if (actionError(); as text) {
          <p class="error" role="alert" data-testid="channel-action-error">{{ text }}</p>
        }
        @if (secret(); as s) {
          <div class="secret" data-testid="channel-secret-box">
            <p>Receivers check <code>X-ACT-Signature</code>: <code>v1=</code> HMAC-SHA256 of <code>timestamp + "." + body</code> with this secret.</p>
            @if (sharedUi.hasValue()) {
              <ng-container
                *ngComponentOutlet="sharedUi.value().SecretField; inputs: { label: 'Signing secret', value: s, valueTestId: 'channel-secret', copyTestId: 'channel-secret-copy' }"
              />
            }
            <button matButton type="button" data-testid="channel-secret-done" (click)="secret.set(null)">Done</button>
          </div>
        }

        @if (historyOf(); as channelId) {
          <h3>Delivery history</h3>
          @if (deliveries.error(); as error) {
            <p class="error" role="alert">{{ describe(error, 'The delivery history could not be loaded.') }}</p>
          }
          @if (deliveries.hasValue()) {
            <ul class="deliveries" data-testid="deliveries">
              @for (d of deliveries.value(); track d.id) {
                <li data-testid="delivery-row" [attr.data-status]="d.status" [attr.data-purpose]="d.purpose">
                  <div class="head">
                    <act-tone-chip [label]="d.status" [tone]="deliveryTones[d.status]" />
                    <span>{{ d.purpose === 'test' ? 'Test' : d.subject }}</span>
                    <span class="muted">{{ time(d.createdAt) }} UTC · {{ d.attempts }}/{{ d.maxAttempts }} attempts{{ d.recipient ? ' · ' + d.recipient : '' }}</span>
                  </div>
                  @for (line of attempts(d); track $index) {
                    <div class="muted small" data-testid="delivery-attempt">{{ line }}</div>
                  }
                  @if (d.nextAttemptAt) {
                    <div class="muted small">Next attempt {{ time(d.nextAttemptAt) }} UTC</div>
                  }
                </li>
              } @empty {
                <li class="muted">Nothing sent yet.</li>
              }
            </ul>
          }
        }

        @if (canManage()) {
          @if (!creating()) {
            <button matButton="tonal" type="button" data-testid="channel-new" (click)="startNew()">Add channel</button>
          } @else {
            <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="form" data-testid="channel-form">
              <h3>New channel</h3>
              <div class="fields">
                <mat-form-field appearance="outline">
                  <mat-label>Kind</mat-label>
                  <select matNativeControl formControlName="kind" data-testid="channel-kind">
                    @for (k of channelKinds; track k) {
                      <option [value]="k">{{ kindLabels[k] }}</option>
                    }
                  </select>
                </mat-form-field>
                <mat-form-field appearance="outline">
                  <mat-label>Name</mat-label>
                  <input matInput formControlName="name" data-testid="channel-name-input" />
                </mat-form-field>
                @if (webhook()) {
                  <mat-form-field appearance="outline" class="wide">
                    <mat-label>Webhook URL</mat-label>
                    <input matInput formControlName="url" type="url" data-testid="channel-url" />
                  </mat-form-field>
                } @else {
                  <mat-form-field appearance="outline" class="wide">
                    <mat-label>Addresses</mat-label>
                    <input matInput formControlName="recipients" data-testid="channel-recipients" placeholder="finance@example.com, …" />
                  </mat-form-field>
                  <mat-checkbox formControlName="toMembers" data-testid="channel-to-members">Also the members (as each one's preferences allow)</mat-checkbox>
                }
                <mat-form-field appearance="outline">
                  <mat-label>Lowest severity</mat-label>
                  <select matNativeControl formControlName="minSeverity" data-testid="channel-min-severity">
                    @for (s of severities; track s) {
                      <option [value]="s">{{ s }}</option>
                    }
                  </select>
                </mat-form-field>
              </div>
              <div class="checks" data-testid="channel-kinds">
                @for (k of alertKinds; track k) {
                  <mat-checkbox [checked]="chosenKinds().includes(k)" (change)="toggleKind(k, $event.checked)" [attr.data-testid]="'channel-kind-' + k">
                    {{ alertKindLabels[k] }}
                  </mat-checkbox>
                }
              </div>
              @if (formError(); as text) {
                <p class="error" role="alert" data-testid="channel-form-error">{{ text }}</p>
              }
              <div class="actions">
                <button matButton type="button" data-testid="channel-cancel" (click)="creating.set(false)">Cancel</button>
                <button matButton="filled" type="submit" data-testid="channel-save" [disabled]="saving()">Add channel</button>
              </div>
            </form>
          }
        }
      </mat-card-content>
    </mat-card>
  `,
  styleUrls: ['../../../../usage/src/lib/ui/page.css', './budgets-page.css'],
  styles: `
    .wide {
      min-width: 320px;
      flex: 1 1 320px;
    }
    .deliveries {
      list-style: none;
      margin: 0 0 16px;
      padding: 0;
    }
    .deliveries li {
      padding: 6px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .small {
      font-size: 12px;
    }
  `,
})
export class ChannelsSection {
  readonly workspaceId = input.required<string>();
  readonly canManage = input(false);

  private readonly api = inject(NotificationsApi);
  private readonly dialog = inject(MatDialog);

  protected readonly channelKinds = CHANNEL_KINDS;
  protected readonly kindLabels = CHANNEL_KIND_LABELS;
  protected readonly alertKinds = ALERT_KINDS;
  protected readonly alertKindLabels = ALERT_KIND_LABELS;
  protected readonly severities = ALERT_SEVERITIES;
  protected readonly deliveryTones = DELIVERY_TONES;
  protected readonly columns = ['name', 'target', 'alerts', 'actions'];
  protected readonly time = shortTime;
  protected readonly attempts = attemptLines;

  /** The identity pages' one-time secret field (and confirm dialog), loaded with this page. */
  protected readonly sharedUi = resource({ loader: () => IDENTITY_UI() });

  protected readonly channels = rxResource({
    params: () => this.workspaceId(),
    stream: ({ params: ws }) => this.api.channels(ws).pipe(map((page) => page.items)),
  });

  protected readonly historyOf = signal<string | null>(null);
  private readonly historyVersion = signal(0);
  protected readonly deliveries = rxResource({
    params: () => {
      const channelId = this.historyOf();
      return channelId ? { ws: this.workspaceId(), channelId, version: this.historyVersion() } : undefined;
    },
    stream: ({ params }) => this.api.deliveries(params.ws, { channelId: params.channelId, limit: 50 }).pipe(map((page) => page.items)),
  });

  protected readonly form = new FormGroup({
    kind: new FormControl<ChannelKind>('webhook', { nonNullable: true }),
    name: new FormControl('', { nonNullable: true }),
    url: new FormControl('', { nonNullable: true }),
    recipients: new FormControl('', { nonNullable: true }),
    toMembers: new FormControl(false, { nonNullable: true }),
    minSeverity: new FormControl<AlertSeverity>('info', { nonNullable: true }),
  });
  private readonly kind = signal<ChannelKind>('webhook');
  protected readonly webhook = computed(() => isWebhookKind(this.kind()));
  protected readonly chosenKinds = signal<AlertKind[]>([...ALERT_KINDS]);
  protected readonly creating = signal(false);
  protected readonly saving = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly message = signal<string | null>(null);
  protected readonly testing = signal<string | null>(null);
  /** The signing secret of the webhook just created: in this answer only, never again. */
  readonly secret = signal<string | null>(null);

  constructor() {
    this.form.controls.kind.valueChanges.subscribe((kind) => this.kind.set(kind));
  }

  protected describe(error: unknown, fallback: string): string {
    return describeError(error, fallback);
  }

  protected kindLabel(channel: ChannelDto): string {
    return CHANNEL_KIND_LABELS[channel.kind];
  }

  protected recipientsText(channel: ChannelDto): string {
    const list = channel.recipients.join(', ');
    return channel.toMembers ? (list ? `${list} and the members` : 'the members') : list || '—';
  }

  protected kindsText(channel: ChannelDto): string {
    return channel.alertKinds.length === ALERT_KINDS.length ? 'every kind' : channel.alertKinds.map((k) => ALERT_KIND_LABELS[k]).join(', ');
  }

  protected toggleKind(kind: AlertKind, checked: boolean): void {
    this.chosenKinds.update((kinds) => (checked ? [...new Set([...kinds, kind])] : kinds.filter((k) => k !== kind)));
  }

  protected startNew(): void {
    this.form.reset();
    this.kind.set('webhook');
    this.chosenKinds.set([...ALERT_KINDS]);
    this.formError.set(null);
    this.creating.set(true);
  }

  protected toggleHistory(channel: ChannelDto): void {
    if (this.historyOf() === channel.id) {
      this.historyOf.set(null);
    } else {
      this.historyOf.set(channel.id);
      this.historyVersion.update((v) => v + 1);
    }
  }

  protected async submit(): Promise<void> {
    if (this.saving()) return;
    const parsed = channelRequest({ ...this.form.getRawValue(), alertKinds: this.chosenKinds() });
    if ('problem' in parsed) {
      this.formError.set(parsed.problem);
      return;
    }
    this.saving.set(true);
    this.formError.set(null);
    try {
      const created = await firstValueFrom(this.api.createChannel(this.workspaceId(), parsed.request));
      this.secret.set(created.signingSecret);
      this.creating.set(false);
      this.message.set(`Channel "${created.channel.name}" added.`);
      this.channels.reload();
    } catch (error) {
      this.formError.set(describeError(error, 'The channel could not be added.'));
    } finally {
      this.saving.set(false);
    }
  }

  protected async test(channel: ChannelDto): Promise<void> {
    this.testing.set(channel.id);
    this.actionError.set(null);
    this.message.set(null);
    try {
      const result = await firstValueFrom(this.api.test(this.workspaceId(), channel.id));
      this.message.set(`${channel.name}: ${testSummary(result)}`);
      if (this.historyOf() === channel.id) this.historyVersion.update((v) => v + 1);
    } catch (error) {
      this.actionError.set(describeError(error, 'The test message could not be sent.'));
    } finally {
      this.testing.set(null);
    }
  }

  protected async toggleEnabled(channel: ChannelDto): Promise<void> {
    this.actionError.set(null);
    try {
      await firstValueFrom(this.api.updateChannel(this.workspaceId(), channel.id, { enabled: !channel.enabled }));
      this.channels.reload();
    } catch (error) {
      this.actionError.set(describeError(error, 'The channel could not be changed.'));
    }
  }

  /** A new signing secret, shown once like the first; receivers must switch to it. */
  protected async rotate(channel: ChannelDto): Promise<void> {
    const { confirmAction } = await IDENTITY_UI();
    const yes = await confirmAction(this.dialog, {
      title: 'New signing secret',
      message: `Replace the signing secret of "${channel.name}"? Its receiver rejects deliveries until it has the new one.`,
      confirmLabel: 'Replace secret',
      destructive: true,
    });
    if (!yes) return;
    this.actionError.set(null);
    try {
      const answer = await firstValueFrom(this.api.updateChannel(this.workspaceId(), channel.id, { rotateSecret: true }));
      this.secret.set(answer.signingSecret);
      this.message.set(`${channel.name}: new signing secret.`);
    } catch (error) {
      this.actionError.set(describeError(error, 'The secret could not be replaced.'));
    }
  }

  protected async remove(channel: ChannelDto): Promise<void> {
    const { confirmAction } = await IDENTITY_UI();
    const yes = await confirmAction(this.dialog, {
      title: 'Delete channel',
      message: `Delete "${channel.name}"? Its URL and secret are destroyed; its delivery history stays.`,
      confirmLabel: 'Delete',
      destructive: true,
    });
    if (!yes) return;
    this.actionError.set(null);
    try {
      await firstValueFrom(this.api.removeChannel(this.workspaceId(), channel.id));
      if (this.historyOf() === channel.id) this.historyOf.set(null);
      this.channels.reload();
    } catch (error) {
      this.actionError.set(describeError(error, 'The channel could not be deleted.'));
    }
  }
}
