import { Component, inject, signal } from '@angular/core';
import {
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { AccountDto, CreatedIngestKeyDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { errorText } from '../http/form-errors';
import { applyProblem } from '../http/problem';
import { SecretField } from '../ui/secret-field';
import { IngestKeysApi } from './ingest-keys-api';

export interface CreateIngestKeyDialogData {
  workspaceId: string;
  /** Accounts a key may be bound to (not disconnected). */
  accounts: AccountDto[];
}

@Component({
  selector: 'act-create-ingest-key-dialog',
  imports: [
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ReactiveFormsModule,
    SecretField,
  ],
  template: `
    <h2 mat-dialog-title>New ingest key</h2>
    @if (created(); as key) {
      <mat-dialog-content data-testid="ingest-key-created">
        <p>
          Send usage for <strong>{{ accountName(key.accountId) }}</strong> with this key as
          <code>Authorization: Bearer …</code> to <code>POST /api/v1/ingest/usage</code>.
        </p>
        <act-secret-field
          label="Ingest key"
          [value]="key.key"
          valueTestId="ingest-key-secret"
          copyTestId="ingest-key-copy"
        />
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button matButton="filled" type="button" data-testid="ingest-key-done" (click)="done()">
          Done
        </button>
      </mat-dialog-actions>
    } @else {
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="ingest-key-form">
        <mat-dialog-content>
          <p>A key records usage for one account. It is shown once; only a hint is kept.</p>
          @if (error(); as message) {
            <p class="form-error" role="alert" data-testid="ingest-key-error">{{ message }}</p>
          }
          <mat-form-field appearance="outline" class="full">
            <mat-label>Account</mat-label>
            <mat-select formControlName="accountId" required data-testid="ingest-key-account">
              @for (account of data.accounts; track account.id) {
                <mat-option [value]="account.id">{{ account.displayName }}</mat-option>
              }
            </mat-select>
            <mat-error>{{ errorText(form.controls.accountId) }}</mat-error>
          </mat-form-field>
          <mat-form-field appearance="outline" class="full">
            <mat-label>Name</mat-label>
            <input matInput formControlName="name" required data-testid="ingest-key-name" />
            <mat-hint>Where it is used, e.g. "billing-service production".</mat-hint>
            <mat-error>{{ errorText(form.controls.name) }}</mat-error>
          </mat-form-field>
        </mat-dialog-content>
        <mat-dialog-actions align="end">
          <button matButton type="button" mat-dialog-close>Cancel</button>
          <button matButton="filled" type="submit" [disabled]="saving()" data-testid="ingest-key-submit">
            Create key
          </button>
        </mat-dialog-actions>
      </form>
    }
  `,
  styles: `
    form {
      display: contents;
    }
    .full {
      width: 100%;
    }
    .form-error {
      color: var(--mat-sys-error);
    }
  `,
})
export class CreateIngestKeyDialog {
  private readonly api = inject(IngestKeysApi);
  private readonly ref = inject<MatDialogRef<CreateIngestKeyDialog, CreatedIngestKeyDto>>(MatDialogRef);
  protected readonly data = inject<CreateIngestKeyDialogData>(MAT_DIALOG_DATA);

  protected readonly errorText = errorText;
  protected readonly form = new FormGroup({
    accountId: new FormControl(this.data.accounts.length === 1 ? (this.data.accounts[0]?.id ?? '') : '', {
      nonNullable: true,
      validators: [Validators.required],
    }),
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(100)],
    }),
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly created = signal<CreatedIngestKeyDto | null>(null);

  protected accountName(accountId: string): string {
    return this.data.accounts.find((a) => a.id === accountId)?.displayName ?? 'the account';
  }

  protected async submit(): Promise<void> {
    this.error.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    try {
      const { accountId, name } = this.form.getRawValue();
      this.created.set(
        await firstValueFrom(this.api.create(this.data.workspaceId, { accountId, name: name.trim() })),
      );
    } catch (error) {
      this.error.set(applyProblem(this.form, error, 'The key could not be created.'));
    } finally {
      this.saving.set(false);
    }
  }

  protected done(): void {
    this.ref.close(this.created() ?? undefined);
  }
}
