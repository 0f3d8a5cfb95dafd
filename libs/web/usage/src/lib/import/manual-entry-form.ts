import { Component, ElementRef, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { AccountDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import type { CreateManualEntryRequest, ManualEntryDto, ManualEntryWriteDto, UpdateManualEntryRequest } from '../data-access/ingest-types';
import { IngestApi } from '../data-access/ingest-api';
import { providerLabel } from '../data-access/providers';
import { describeError, problemOf } from '../http/problem';
import { utcDay } from '../money/dates';

const COUNT = /^\d{1,15}$/;
const AMOUNT = /^\d{1,15}(\.\d{1,12})?$/;

type Field = 'accountId' | 'day' | 'model' | 'project' | 'inputTokens' | 'outputTokens' | 'requests' | 'amount';

/** Where the API's problem paths (`errors[].path`) are shown: under the field they name. */
const FIELD_OF_PATH: Readonly<Record<string, Field>> = {
  accountId: 'accountId',
  day: 'day',
  model: 'model',
  project: 'project',
  'tokens.inputUncached': 'inputTokens',
  'tokens.output': 'outputTokens',
  'units.requests': 'requests',
  amount: 'amount',
  currency: 'amount',
};

/** The key of an entry: it cannot change (delete the entry and add another instead). */
const KEY_FIELDS = ['accountId', 'day', 'model', 'project'] as const;

function count(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value.trim());
}

/** A count as the form shows it: blank for 0, so "nothing" reads the same as when it was added. */
function shown(value: number | undefined): string {
  return value ? String(value) : '';
}

/**
 * One day's usage and/or cost for an account and model, by hand (subscriptions, self-hosted
 * models). With `entry` set, the same form changes that entry's numbers (its account, day, model
 * and project are its key and stay); otherwise it adds one. Problems the API reports for a field
 * (problem+json `errors[]`) are shown under that field, the others in the form's error block.
 */
@Component({
  selector: 'act-manual-entry-form',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, ReactiveFormsModule],
  template: `
    <form [formGroup]="form" data-testid="manual-entry-form" [attr.data-mode]="entry() ? 'edit' : 'create'" (ngSubmit)="submit()">
      @if (entry(); as current) {
        <p class="key" data-testid="manual-edit-key">
          <strong>{{ accountName(current.accountId) }}</strong> · {{ current.day }} · {{ current.model }}
          @if (current.project) {
            · project {{ current.project }}
          }
        </p>
        <p class="muted">The account, day, model and project identify the entry: to change them, delete it and add another.</p>
      } @else {
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
            @if (serverError('accountId'); as message) {
              <mat-error data-testid="manual-account-error">{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>Day (UTC)</mat-label>
            <input matInput type="date" formControlName="day" data-testid="manual-day" [max]="today" />
            @if (serverError('day'); as message) {
              <mat-error data-testid="manual-day-error">{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field appearance="outline" class="wide">
            <mat-label>Model or product</mat-label>
            <input matInput formControlName="model" data-testid="manual-model" placeholder="e.g. llama-3.1-70b, ChatGPT Team seats" />
            @if (serverError('model'); as message) {
              <mat-error data-testid="manual-model-error">{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>Project (optional)</mat-label>
            <input matInput formControlName="project" data-testid="manual-project" />
            @if (serverError('project'); as message) {
              <mat-error data-testid="manual-project-error">{{ message }}</mat-error>
            }
          </mat-form-field>
        </div>
      }
      <div class="row">
        <mat-form-field appearance="outline" class="count">
          <mat-label>Input tokens</mat-label>
          <input #firstNumber matInput inputmode="numeric" formControlName="inputTokens" data-testid="manual-input-tokens" />
          <mat-error data-testid="manual-input-tokens-error">{{ serverError('inputTokens') ?? 'A whole number' }}</mat-error>
        </mat-form-field>
        <mat-form-field appearance="outline" class="count">
          <mat-label>Output tokens</mat-label>
          <input matInput inputmode="numeric" formControlName="outputTokens" data-testid="manual-output-tokens" />
          <mat-error data-testid="manual-output-tokens-error">{{ serverError('outputTokens') ?? 'A whole number' }}</mat-error>
        </mat-form-field>
        <mat-form-field appearance="outline" class="count">
          <mat-label>Requests</mat-label>
          <input matInput inputmode="numeric" formControlName="requests" data-testid="manual-requests" />
          <mat-error data-testid="manual-requests-error">{{ serverError('requests') ?? 'A whole number' }}</mat-error>
        </mat-form-field>
        <mat-form-field appearance="outline" class="count">
          <mat-label>Cost (USD)</mat-label>
          <span matTextPrefix>$&nbsp;</span>
          <input matInput inputmode="decimal" formControlName="amount" data-testid="manual-amount" />
          <mat-hint>{{ entry() ? 'Leave empty to remove it' : 'What it cost, if known' }}</mat-hint>
          <mat-error data-testid="manual-amount-error">{{ serverError('amount') ?? 'An amount such as 19.00' }}</mat-error>
        </mat-form-field>
      </div>
      @if (form.touched && !hasNumbers()) {
        <p class="error" role="alert">Enter tokens, requests or a cost.</p>
      }
      @if (error(); as message) {
        <div class="error" role="alert" data-testid="manual-error">
          <p>{{ message }}</p>
          @for (line of errorLines(); track line) {
            <p data-testid="manual-error-line">{{ line }}</p>
          }
        </div>
      }
      <div class="actions">
        <button matButton="filled" type="submit" data-testid="manual-submit" [disabled]="saving()">
          {{ saving() ? 'Saving…' : entry() ? 'Save changes' : 'Add entry' }}
        </button>
        @if (entry()) {
          <button matButton type="button" data-testid="manual-cancel" [disabled]="saving()" (click)="cancelled.emit()">Cancel</button>
        }
      </div>
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
    .key {
      margin: 0 0 4px;
    }
    .error p {
      margin: 0;
    }
    .actions {
      display: flex;
      gap: 8px;
    }
  `,
})
export class ManualEntryForm {
  private readonly api = inject(IngestApi);

  readonly workspaceId = input.required<string>();
  readonly accounts = input.required<AccountDto[]>();
  /** The entry to change; null (the default) adds a new one. */
  readonly entry = input<ManualEntryDto | null>(null);
  readonly created = output<ManualEntryWriteDto>();
  readonly saved = output<ManualEntryWriteDto>();
  readonly cancelled = output<void>();

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
  /** Counts the form does not show (cached input, reasoning, images…): an edit keeps them. */
  private readonly otherNumbers = computed(() => {
    const entry = this.entry();
    if (!entry) return false;
    const shownHere = new Set(['inputUncached', 'output', 'requests']);
    return [...Object.entries(entry.tokens), ...Object.entries(entry.units)].some(([name, value]) => !shownHere.has(name) && value > 0);
  });
  protected readonly hasNumbers = computed(() => {
    this.tick();
    const v = this.form.getRawValue();
    return this.otherNumbers() || [v.inputTokens, v.outputTokens, v.requests, v.amount].some((value) => value.trim() !== '');
  });
  protected readonly provider = providerLabel;
  private readonly firstNumber = viewChild<ElementRef<HTMLInputElement>>('firstNumber');

  constructor() {
    this.form.valueChanges.subscribe(() => this.tick.update((n) => n + 1));
    // Choosing an entry to change (or going back to adding) fills the form in again.
    effect(() => {
      const entry = this.entry();
      untracked(() => this.load(entry));
    });
  }

  /** Puts the cursor in the first number (after the page opened the form for an entry). */
  focus(): void {
    this.firstNumber()?.nativeElement.focus();
  }

  protected accountName(accountId: string): string {
    return this.accounts().find((account) => account.id === accountId)?.displayName ?? accountId;
  }

  /** What the API said about a field on the last save, if anything. */
  protected serverError(field: Field): string | null {
    const errors = this.form.controls[field].errors;
    return typeof errors?.['server'] === 'string' ? errors['server'] : null;
  }

  private load(entry: ManualEntryDto | null): void {
    this.error.set(null);
    this.errorLines.set([]);
    if (entry) {
      this.form.reset({
        accountId: entry.accountId,
        day: entry.day,
        model: entry.model,
        project: entry.project ?? '',
        inputTokens: shown(entry.tokens.inputUncached),
        outputTokens: shown(entry.tokens.output),
        requests: shown(entry.units.requests),
        amount: entry.amount ?? '',
      });
      for (const field of KEY_FIELDS) this.form.controls[field].disable();
    } else {
      for (const field of KEY_FIELDS) this.form.controls[field].enable();
      const v = this.form.getRawValue();
      // Back from an edit: keep the account and day, as after adding an entry.
      this.form.reset({ accountId: v.accountId, day: v.day || this.today });
    }
    this.tick.update((n) => n + 1);
  }

  protected async submit(): Promise<void> {
    this.clearServerErrors();
    this.form.markAllAsTouched();
    this.tick.update((n) => n + 1);
    if (this.form.invalid || !this.hasNumbers()) return;
    const entry = this.entry();
    this.saving.set(true);
    this.error.set(null);
    this.errorLines.set([]);
    try {
      if (entry) {
        const saved = await firstValueFrom(this.api.updateManualEntry(this.workspaceId(), entry.id, this.updateRequest()));
        this.saved.emit(saved);
      } else {
        const v = this.form.getRawValue();
        const created = await firstValueFrom(this.api.createManualEntry(this.workspaceId(), this.createRequest()));
        this.form.reset({ accountId: v.accountId, day: v.day });
        this.created.emit(created);
      }
    } catch (error) {
      this.error.set(describeError(error, entry ? 'The changes could not be saved.' : 'The entry could not be saved.'));
      this.errorLines.set(this.showOnFields(error));
    } finally {
      this.saving.set(false);
    }
  }

  private createRequest(): CreateManualEntryRequest {
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
    return request;
  }

  /** Every number the form shows, as it now reads: an emptied field is 0, an emptied cost removes it. */
  private updateRequest(): UpdateManualEntryRequest {
    const v = this.form.getRawValue();
    const amount = v.amount.trim();
    return {
      tokens: { inputUncached: count(v.inputTokens) ?? 0, output: count(v.outputTokens) ?? 0 },
      units: { requests: count(v.requests) ?? 0 },
      ...(amount ? { amount, currency: 'USD' as const } : { amount: null }),
    };
  }

  /** Puts each field problem under its field; returns the lines no shown field takes, as `path: message`. */
  private showOnFields(error: unknown): string[] {
    const rest: string[] = [];
    for (const { path, message } of problemOf(error)?.errors ?? []) {
      const field = FIELD_OF_PATH[path];
      const control = field ? this.form.controls[field] : null;
      if (control && control.enabled) {
        control.setErrors({ ...control.errors, server: message });
        control.markAsTouched();
      } else {
        rest.push(`${path}: ${message}`);
      }
    }
    return rest;
  }

  private clearServerErrors(): void {
    for (const control of Object.values(this.form.controls)) {
      if (control.errors?.['server'] !== undefined) control.updateValueAndValidity({ emitEvent: false });
    }
  }
}
