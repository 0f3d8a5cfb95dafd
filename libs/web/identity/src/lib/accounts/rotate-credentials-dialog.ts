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
import type { AccountDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { errorText } from '../http/form-errors';
import { applyProblem } from '../http/problem';
import { AccountsApi } from './accounts-api';
import type { AccountDialogData } from './edit-account-dialog';
import { providerInfo } from './providers';

@Component({
  selector: 'act-rotate-credentials-dialog',
  imports: [MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, ReactiveFormsModule],
  template: `
    <h2 mat-dialog-title>Rotate credentials</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="rotate-form">
      <mat-dialog-content>
        <p>
          Replace the key of <strong>{{ data.account.displayName }}</strong>
          @if (data.account.credentialHint) {
            (now <code>{{ data.account.credentialHint }}</code>)
          }. The old key is forgotten as soon as you save; revoke it at the provider too.
        </p>
        <p class="help">{{ info.help }}</p>
        @if (error(); as message) {
          <p class="form-error" role="alert" data-testid="rotate-error">{{ message }}</p>
        }
        <mat-form-field appearance="outline" class="full">
          <mat-label>New {{ info.credentialLabel }}</mat-label>
          <input
            matInput
            type="password"
            formControlName="credentials"
            autocomplete="off"
            required
           
            data-testid="rotate-credentials"
          />
          <mat-error>{{ errorText(form.controls.credentials) }}</mat-error>
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button matButton type="button" mat-dialog-close>Cancel</button>
        <button matButton="filled" type="submit" [disabled]="saving()" data-testid="rotate-submit">
          Save new key
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styleUrl: './account-form.css',
})
export class RotateCredentialsDialog {
  private readonly api = inject(AccountsApi);
  private readonly ref = inject<MatDialogRef<RotateCredentialsDialog, AccountDto>>(MatDialogRef);
  protected readonly data = inject<AccountDialogData>(MAT_DIALOG_DATA);

  protected readonly errorText = errorText;
  protected readonly info = providerInfo(this.data.account.provider);
  protected readonly form = new FormGroup({
    credentials: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async submit(): Promise<void> {
    this.error.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    try {
      const { account } = await firstValueFrom(
        this.api.update(this.data.workspaceId, this.data.account.id, {
          credentials: this.form.controls.credentials.value.trim(),
        }),
      );
      this.ref.close(account);
    } catch (error) {
      this.error.set(applyProblem(this.form, error, 'The new key could not be saved.'));
    } finally {
      this.saving.set(false);
    }
  }
}
