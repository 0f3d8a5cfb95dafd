import { Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
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
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type { AccountDto, ConnectAccountRequest, ProviderId } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { amountValidator, errorText, httpUrlValidator } from '../http/form-errors';
import { applyProblem } from '../http/problem';
import { AccountsApi } from './accounts-api';
import { PROVIDER_INFO, providerInfo } from './providers';

export interface ConnectAccountDialogData {
  workspaceId: string;
}

@Component({
  selector: 'act-connect-account-dialog',
  imports: [
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatSlideToggleModule,
    ReactiveFormsModule,
  ],
  providers: [{ provide: ErrorStateMatcher, useClass: ShowOnDirtyErrorStateMatcher }],
  templateUrl: './connect-account-dialog.html',
  styleUrl: './account-form.css',
})
export class ConnectAccountDialog {
  private readonly api = inject(AccountsApi);
  private readonly data = inject<ConnectAccountDialogData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<ConnectAccountDialog, AccountDto>>(MatDialogRef);

  protected readonly providers = PROVIDER_INFO;
  protected readonly errorText = errorText;

  protected readonly form = new FormGroup({
    provider: new FormControl<ProviderId>('openai', {
      nonNullable: true,
      validators: [Validators.required],
    }),
    displayName: new FormControl(providerInfo('openai').label, {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(100)],
    }),
    credentials: new FormControl('', { nonNullable: true }),
    baseUrl: new FormControl('', { nonNullable: true, validators: [httpUrlValidator] }),
    monthlyBudget: new FormControl('', { nonNullable: true, validators: [amountValidator] }),
    syncEnabled: new FormControl(true, { nonNullable: true }),
  });

  private readonly provider = toSignal(this.form.controls.provider.valueChanges, {
    initialValue: this.form.controls.provider.value,
  });
  protected readonly info = computed(() => providerInfo(this.provider()));

  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    this.applyProvider(this.form.controls.provider.value);
    this.form.controls.provider.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe((provider) => this.applyProvider(provider));
    this.form.controls.syncEnabled.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.applyCredentialRule());
  }

  private applyProvider(provider: ProviderId): void {
    const name = this.form.controls.displayName;
    if (!name.dirty) name.setValue(providerInfo(provider).label);
    this.applyCredentialRule();
  }

  /**
   * Syncing reads the provider's usage API, which needs its admin key; without
   * sync (usage sent through the ingest API) the key is optional.
   */
  private applyCredentialRule(): void {
    const { provider, syncEnabled } = this.form.getRawValue();
    const credentials = this.form.controls.credentials;
    credentials.setValidators(
      providerInfo(provider).syncs && syncEnabled ? [Validators.required] : [],
    );
    credentials.updateValueAndValidity({ emitEvent: false });
  }

  protected async submit(): Promise<void> {
    this.error.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    try {
      const value = this.form.getRawValue();
      const info = providerInfo(value.provider);
      const request: ConnectAccountRequest = {
        provider: value.provider,
        displayName: value.displayName.trim(),
        ...(value.credentials.trim() ? { credentials: value.credentials.trim() } : {}),
        ...(value.baseUrl.trim() ? { baseUrl: value.baseUrl.trim() } : {}),
        ...(value.monthlyBudget.trim() ? { monthlyBudget: value.monthlyBudget.trim() } : {}),
        ...(info.syncs ? { syncEnabled: value.syncEnabled } : {}),
      };
      const { account } = await firstValueFrom(this.api.connect(this.data.workspaceId, request));
      this.ref.close(account);
    } catch (error) {
      this.error.set(applyProblem(this.form, error, 'The account could not be connected.'));
    } finally {
      this.saving.set(false);
    }
  }
}
