import { Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { PriceEntryDto, RecomputeProgressDto } from '@act/contracts';
import { rxResource } from '@angular/core/rxjs-interop';
import { WorkspaceContext } from '@act/web/identity';
import { AccountDirectory, accountNames } from '../data-access/accounts';
import { providerLabel } from '../data-access/providers';
import { CostVersionsList } from './cost-versions-list';
import { PriceCatalogue } from './price-catalogue';
import { PriceHistory } from './price-history';
import { PriceOverrideForm } from './price-override-form';

/** Pricing: the catalogue, a model's price history, workspace overrides and cost versions. */
@Component({
  selector: 'act-pricing-page',
  imports: [CostVersionsList, MatButtonModule, MatCardModule, PriceCatalogue, PriceHistory, PriceOverrideForm],
  template: `
    <section data-testid="pricing-page">
      <div class="header"><h1>Prices</h1></div>
      @if (!context.current()) {
        <p class="notice" data-testid="no-workspace">Create or join a workspace first.</p>
      } @else {
        <mat-card appearance="outlined">
          <mat-card-header><mat-card-title><h2>Catalogue</h2></mat-card-title></mat-card-header>
          <mat-card-content>
            <p class="muted">
              Prices in force today, per million tokens. Select a model to see its history and to
              {{ canOverride() ? 'override its price for this workspace' : 'preview a price change' }}.
            </p>
            <act-price-catalogue
              [workspaceId]="workspaceId()"
              [selectedProvider]="selected()?.provider ?? null"
              [selectedModel]="selected()?.model ?? null"
              [refresh]="refresh()"
              (selected)="selected.set($event)"
            />
          </mat-card-content>
        </mat-card>

        @if (selected(); as model) {
          <mat-card appearance="outlined" class="panel" data-testid="price-history-panel">
            <mat-card-header>
              <mat-card-title><h2>History of {{ model.model }}</h2></mat-card-title>
              <mat-card-subtitle>{{ providerName(model.provider) }}</mat-card-subtitle>
            </mat-card-header>
            <mat-card-content>
              <act-price-history [workspaceId]="workspaceId()" [provider]="model.provider" [model]="model.model" [refresh]="refresh()" />
            </mat-card-content>
          </mat-card>
        }

        <mat-card appearance="outlined" class="panel">
            <mat-card-header><mat-card-title><h2>{{ canOverride() ? 'Override a price' : 'Preview a price change' }}</h2></mat-card-title></mat-card-header>
            <mat-card-content>
              <p class="muted">
                Set this workspace's own price for a model from a day on (a negotiated rate, a model the catalogue does not
                know). Preview what it changes per month and model before applying it; applying recomputes the affected
                days into a new cost version, and the previous version's figures stay visible.
              </p>
              @if (!canOverride()) {
                <p class="notice" data-testid="override-preview-only">You can preview a change; owners and admins apply it.</p>
              }
              <act-price-override-form
                [workspaceId]="workspaceId() ?? ''"
                [provider]="selected()?.provider ?? null"
                [model]="selected()?.model ?? null"
                [canApply]="canOverride()"
                (applied)="onApplied($event)"
                (settled)="refresh.update(bump)"
              />
            </mat-card-content>
          </mat-card>

        <mat-card appearance="outlined" class="panel">
          <mat-card-header><mat-card-title><h2>Cost versions</h2></mat-card-title></mat-card-header>
          <mat-card-content>
            <p class="muted">Every recompute makes a new version; earlier ones stay readable. Select one to see what it changed.</p>
            <act-cost-versions-list [workspaceId]="workspaceId() ?? ''" [refresh]="refresh()" [accounts]="accountMap()" />
          </mat-card-content>
        </mat-card>
      }
    </section>
  `,
  styleUrl: '../ui/page.css',
  styles: `
    mat-card-title h2 {
      margin: 0;
    }
  `,
})
export class PricingPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly workspaceId = computed(() => this.context.currentId() ?? null);
  /** Applying an override changes every figure of the workspace: owners and admins (the API checks it too); anyone may preview. */
  protected readonly canOverride = computed(() => this.context.can('accounts:manage'));
  protected readonly selected = signal<PriceEntryDto | null>(null);
  private readonly directory = inject(AccountDirectory);
  private readonly accounts = rxResource({
    params: () => this.context.currentId(),
    stream: ({ params: ws }) => this.directory.list(ws),
  });
  protected readonly accountMap = computed(() => accountNames(this.accounts.hasValue() ? this.accounts.value() : []));
  protected readonly refresh = signal(0);
  protected readonly providerName = providerLabel;
  protected readonly bump = (n: number) => n + 1;

  protected onApplied(progress: RecomputeProgressDto): void {
    this.refresh.update((n) => n + 1);
    this.snackBar.open(`Cost version ${progress.version} is current.`, 'Close', { duration: 5000 });
  }
}
