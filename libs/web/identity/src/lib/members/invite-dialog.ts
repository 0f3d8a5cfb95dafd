import { DOCUMENT } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
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
import type { CreatedInvitationDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { emailValidator, errorText } from '../http/form-errors';
import { applyProblem } from '../http/problem';
import { InvitationsApi, acceptLink } from '../invitations/invitations-api';
import { SecretField } from '../ui/secret-field';
import { InvitableRole, ROLE_DESCRIPTIONS, ROLE_LABELS } from '../workspaces/permissions';

export interface InviteDialogData {
  workspaceId: string;
  workspaceName: string;
  roles: InvitableRole[];
}

@Component({
  selector: 'act-invite-dialog',
  imports: [
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ReactiveFormsModule,
    SecretField,
  ],
  providers: [{ provide: ErrorStateMatcher, useClass: ShowOnDirtyErrorStateMatcher }],
  templateUrl: './invite-dialog.html',
  styles: `
    .full {
      width: 100%;
    }
    .form-error {
      color: var(--mat-sys-error);
    }
    form {
      display: contents;
    }
  `,
})
export class InviteDialog {
  private readonly api = inject(InvitationsApi);
  private readonly baseUri = inject(DOCUMENT).baseURI;
  private readonly ref = inject<MatDialogRef<InviteDialog, CreatedInvitationDto>>(MatDialogRef);
  protected readonly data = inject<InviteDialogData>(MAT_DIALOG_DATA);

  protected readonly roleLabels = ROLE_LABELS;
  protected readonly roleDescriptions = ROLE_DESCRIPTIONS;
  protected readonly errorText = errorText;

  protected readonly form = new FormGroup({
    email: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, emailValidator],
    }),
    role: new FormControl<InvitableRole>(
      this.data.roles.includes('member') ? 'member' : (this.data.roles[0] ?? 'viewer'),
      { nonNullable: true, validators: [Validators.required] },
    ),
  });

  private readonly role = toSignal(this.form.controls.role.valueChanges, {
    initialValue: this.form.controls.role.value,
  });
  protected readonly roleHint = computed(() => this.roleDescriptions[this.role()]);

  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly created = signal<{ invitation: CreatedInvitationDto; link: string } | null>(
    null,
  );

  protected async submit(): Promise<void> {
    this.error.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    try {
      const { email, role } = this.form.getRawValue();
      const invitation = await firstValueFrom(
        this.api.create(this.data.workspaceId, { email: email.trim(), role }),
      );
      this.created.set({ invitation, link: acceptLink(invitation.acceptPath, this.baseUri) });
    } catch (error) {
      this.error.set(applyProblem(this.form, error, 'The invitation could not be created.'));
    } finally {
      this.saving.set(false);
    }
  }

  protected done(): void {
    this.ref.close(this.created()?.invitation);
  }
}
