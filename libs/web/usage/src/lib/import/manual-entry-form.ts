import { Component, computed, inject, input, output, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { AccountDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import type { CreateManualEntryRequest, ManualEntryWriteDto } from '../data-access/ingest-types';
import { IngestApi } from '../data-access/ingest-api';
import { providerLabel } from '../data-access/providers';
import { describeError, problemLines } from '../http/problem';
import { utcDay } from '../money/dates';

const COUNT = /^\d{1,15}$/;
const AMOUNT = /^\d{1,15}(\.\d{1,12})?$/;

function count(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value.trim());
}

/** One day's usage and/or cost for an account and model, by hand (subscriptions, self-hosted models). */
@Component({
  selector: 'act-manual-entry-form',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, ReactiveFormsModule],
  template: `
    <form [formGroup]="form" data-testid="manual-entry-form" (ngSubmit)="submit()">
      <div class="row">
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Account</mat-label>
          <mat-select formControlName="accountId" data-testid="manual-account">
            @for (account of accounts(); track account.id) {
              <mat-option [value]="account.id" [attr.data-testid]="'manual-account-' + account.id">
                {{ account.displayName }} ({{ provider(account.provider) }})
              </mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Day (UTC)</mat-label>
          <input matInput type="date" formControlName="day" data-testid="manual-day" [max]="today" />
        </mat-form-field>
        <mat-form-field appearance="outline" class="wide">
          <mat-label>Model or product</mat-label>
          <input matInput formControlName="model" data-testid="manual-model" placeholder="e.g. llama-3.1-70b, ChatGPT Team seats" />
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Project (optional)</mat-label>
          <input matInput formControlName="project" data-testid="manual-project" />
        </mat-form-field>
      </div>
      <div class="row">
        <mat-form-field appearance="outline" class="count">
          <mat-label>Input tokens</mat-label>
          <input matInput inputmode="numeric" formControlName="inputTokens" data-testid="manual-input-tokens" />
        </mat-form-field>
        <mat-form-field appearance="outline" class="count">
          <mat-label>Output tokens</mat-label>
          <input matInput inputmode="numeric" formControlName="outputTokens" data-testid="manual-output-tokens" />
        </mat-form-field>
        <mat-form-field appearance="outline" class="count">
          <mat-label>Requests</mat-label>
          <input matInput inputmode="numeric" formControlName="requests" data-testid="manual-requests" />
        </mat-form-field>
        <mat-form-field appearance="outline" class="count">
          <mat-label>Cost (USD)</mat-label>
          <span matTextPrefix>$&nbsp;</span>
          <input matInput inputmode="decimal" formControlName="amount" data-testid="manual-amount" />
          <mat-hint>What it cost, if known</mat-hint>
        </mat-form-field>
      </div>
      @if (form.touched && !hasNumbers()) {
        <p class="error" role="alert">Enter tokens, requests or a cost.</p>
      }
      @if (error(); as message) {
        <div class="error" role="alert" data-testid="manual-error">
          <p>{{ message }}</p>
          @for (line of errorLines(); track line) {
            <p>{{ line }}</p>
          }
        </div>
      }
      <button matButton="filled" type="submit" data-testid="manual-submit" [disabled]="saving()">
        {{ saving() ? 'Saving…' : 'Add entry' }}
      </button>
    </form>
  `,
  styleUrl: '../ui/page.css',
  styles: `
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0 12px;
    }
    .wide {
      flex: 1 1 240px;
    }
    .count {
      width: 160px;
    }
    .error p {
      margin: 0;
    }
  `,
})
export class ManualEntryForm {
  private readonly api = inject(IngestApi);

  readonly workspaceId = input.required<string>();
  readonly accounts = input.required<AccountDto[]>();
  readonly created = output<ManualEntryWriteDto>();

  protected readonly today = utcDay(new Date());
  protected readonly form = new FormGroup({
    accountId: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    day: new FormControl(this.today, { nonNullable: true, validators: [Validators.required] }),
    model: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(256)] }),
    project: new FormControl('', { nonNullable: true }),
    inputTokens: new FormControl('', { nonNullable: true, validators: [Validators.pattern(COUNT)] }),
    outputTokens: new FormControl('', { nonNullable: true, validators: [Validators.pattern(COUNT)] }),
    requests: new FormControl('', { nonNullable: true, validators: [Validators.pattern(COUNT)] }),
    amount: new FormControl('', { nonNullable: true, validators: [Validators.pattern(AMOUNT)] }),
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly errorLines = signal<string[]>([]);
  private readonly tick = signal(0);
  protected readonly hasNumbers = computed(() => {
    this.tick();
    const v = this.form.getRawValue();
    return [v.inputTokens, v.outputTokens, v.requests, v.amount].some((value) => value.trim() !== '');
  });
  protected readonly provider = providerLabel;

  constructor() {
    this.form.valueChanges.subscribe(() => this.tick.update((n) => n + 1));
  }

  protected async submit(): Promise<void> {
    this.form.markAllAsTouched();
    this.tick.update((n) => n + 1);
    if (this.form.invalid || !this.hasNumbers()) return;
    const v = this.form.getRawValue();
    const request: CreateManualEntryRequest = { accountId: v.accountId, day: v.day, model: v.model.trim() };
    if (v.project.trim()) request.project = v.project.trim();
    const tokens = { inputUncached: count(v.inputTokens), output: count(v.outputTokens) };
    if (tokens.inputUncached !== undefined || tokens.output !== undefined) request.tokens = tokens;
    if (v.requests.trim()) request.units = { requests: count(v.requests) };
    if (v.amount.trim()) {
      request.amount = v.amount.trim();
      request.currency = 'USD';
    }
    this.saving.set(true);
    this.error.set(null);
    this.errorLines.set([]);
    try {
      const entry = await firstValueFrom(this.api.createManualEntry(this.workspaceId(), request));
      this.form.reset({ accountId: v.accountId, day: v.day });
      this.created.emit(entry);
    } catch (error) {
      this.error.set(describeError(error, 'The entry could not be saved.'));
      this.errorLines.set(problemLines(error));
    } finally {
      this.saving.set(false);
    }
  }
}
