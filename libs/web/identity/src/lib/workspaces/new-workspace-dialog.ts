import { Component, inject, signal } from '@angular/core';
import {
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { WorkspaceDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { errorText } from '../http/form-errors';
import { applyProblem } from '../http/problem';
import { WorkspaceContext } from './workspace-context';
import { WorkspacesApi } from './workspaces-api';

@Component({
  selector: 'act-new-workspace-dialog',
  imports: [
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    ReactiveFormsModule,
  ],
  template: `
    <h2 mat-dialog-title>New workspace</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="new-workspace-form">
      <mat-dialog-content>
        <p>A workspace has its own members, provider accounts and budgets. You will be its owner.</p>
        @if (error(); as message) {
          <p class="form-error" role="alert" data-testid="new-workspace-error">{{ message }}</p>
        }
        <mat-form-field appearance="outline" class="full">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" required data-testid="new-workspace-name" />
          <mat-error>{{ errorText(form.controls.name) }}</mat-error>
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button matButton type="button" mat-dialog-close>Cancel</button>
        <button matButton="filled" type="submit" [disabled]="saving()" data-testid="new-workspace-submit">
          Create
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .full {
      width: 100%;
    }
    .form-error {
      color: var(--mat-sys-error);
    }
  `,
})
export class NewWorkspaceDialog {
  private readonly api = inject(WorkspacesApi);
  private readonly context = inject(WorkspaceContext);
  private readonly ref = inject<MatDialogRef<NewWorkspaceDialog, WorkspaceDto>>(MatDialogRef);

  protected readonly errorText = errorText;
  protected readonly form = new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(100)],
    }),
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
      const { workspace } = await firstValueFrom(
        this.api.create({ name: this.form.controls.name.value.trim() }),
      );
      this.context.adopt(workspace);
      this.ref.close(workspace);
    } catch (error) {
      this.error.set(applyProblem(this.form, error, 'The workspace could not be created.'));
    } finally {
      this.saving.set(false);
    }
  }
}
