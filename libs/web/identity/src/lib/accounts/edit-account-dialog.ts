import { Component, inject, signal } from '@angular/core';
import {
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { ErrorStateMatcher, ShowOnDirtyErrorStateMatcher } from '@angular/material/core';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type { AccountDto, UpdateAccountRequest } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { amountValidator, errorText, httpUrlValidator } from '../http/form-errors';
import { applyProblem } from '../http/problem';
import { AccountsApi } from './accounts-api';
import { providerInfo } from './providers';

export interface AccountDialogData {
  workspaceId: string;
  account: AccountDto;
}

/** Rename, base URL, budget and sync: sends only what changed. */
@Component({
  selector: 'act-edit-account-dialog',
  imports: [
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSlideToggleModule,
    ReactiveFormsModule,
  ],
  providers: [{ provide: ErrorStateMatcher, useClass: ShowOnDirtyErrorStateMatcher }],
  template: `
    <h2 mat-dialog-title>Edit {{ data.account.displayName }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="account-edit-form">
      <mat-dialog-content>
        @if (error(); as message) {
          <p class="form-error" role="alert" data-testid="account-edit-error">{{ message }}</p>
        }
        <div class="fields">
          <mat-form-field appearance="outline" subscriptSizing="dynamic" class="full">
            <mat-label>Name</mat-label>
            <input matInput formControlName="displayName" required data-testid="account-edit-name" />
            <mat-error>{{ errorText(form.controls.displayName) }}</mat-error>
          </mat-form-field>
          <div class="pair">
            <mat-form-field appearance="outline" subscriptSizing="dynamic">
              <mat-label>Base URL (optional)</mat-label>
              <input matInput type="url" formControlName="baseUrl" data-testid="account-edit-base-url" />
              <mat-error>{{ errorText(form.controls.baseUrl) }}</mat-error>
            </mat-form-field>
            <mat-form-field appearance="outline" subscriptSizing="dynamic">
              <mat-label>Monthly budget (optional)</mat-label>
              <input
                matInput
                inputmode="decimal"
                formControlName="monthlyBudget"
                data-testid="account-edit-budget"
              />
              <span matTextSuffix>{{ data.account.currency }}</span>
              <mat-error>{{ errorText(form.controls.monthlyBudget) }}</mat-error>
            </mat-form-field>
          </div>
          @if (syncs) {
            <mat-slide-toggle formControlName="syncEnabled" data-testid="account-edit-sync">
              Sync usage and costs
            </mat-slide-toggle>
          }
        </div>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button matButton type="button" mat-dialog-close>Cancel</button>
        <button matButton="filled" type="submit" [disabled]="saving()" data-testid="account-edit-submit">
          Save
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styleUrl: './account-form.css',
})
export class EditAccountDialog {
  private readonly api = inject(AccountsApi);
  private readonly ref = inject<MatDialogRef<EditAccountDialog, AccountDto>>(MatDialogRef);
  protected readonly data = inject<AccountDialogData>(MAT_DIALOG_DATA);

  protected readonly errorText = errorText;
  protected readonly syncs = providerInfo(this.data.account.provider).syncs;

  protected readonly form = new FormGroup({
    displayName: new FormControl(this.data.account.displayName, {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(100)],
    }),
    baseUrl: new FormControl(this.data.account.baseUrl ?? '', {
      nonNullable: true,
      validators: [httpUrlValidator],
    }),
    monthlyBudget: new FormControl(this.data.account.monthlyBudget ?? '', {
      nonNullable: true,
      validators: [amountValidator],
    }),
    syncEnabled: new FormControl(this.data.account.syncEnabled, { nonNullable: true }),
  });

  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async submit(): Promise<void> {
    this.error.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const request = changes(this.data.account, this.form.getRawValue());
    if (Object.keys(request).length === 0) {
      this.ref.close();
      return;
    }
    this.saving.set(true);
    try {
      const { account } = await firstValueFrom(
        this.api.update(this.data.workspaceId, this.data.account.id, request),
      );
      this.ref.close(account);
    } catch (error) {
      this.error.set(applyProblem(this.form, error, 'The account could not be saved.'));
    } finally {
      this.saving.set(false);
    }
  }
}

/** The PATCH body: changed fields only; an emptied optional field becomes null (cleared). */
export function changes(
  account: AccountDto,
  value: { displayName: string; baseUrl: string; monthlyBudget: string; syncEnabled: boolean },
): UpdateAccountRequest {
  const request: UpdateAccountRequest = {};
  const name = value.displayName.trim();
  if (name !== account.displayName) request.displayName = name;
  const baseUrl = value.baseUrl.trim() || null;
  if (baseUrl !== account.baseUrl) request.baseUrl = baseUrl;
  const budget = value.monthlyBudget.trim() || null;
  if (budget !== account.monthlyBudget) request.monthlyBudget = budget;
  if (value.syncEnabled !== account.syncEnabled) request.syncEnabled = value.syncEnabled;
  return request;
}
