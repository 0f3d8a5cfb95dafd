import { Component, computed, effect, inject, signal } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import {
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { ErrorStateMatcher, ShowOnDirtyErrorStateMatcher } from '@angular/material/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map, startWith } from 'rxjs';
import { emailValidator, errorText } from '../http/form-errors';
import { applyProblem } from '../http/problem';
import { InvitationsApi } from '../invitations/invitations-api';
import { ROLE_LABELS } from '../workspaces/permissions';
import { AuthService } from './auth-service';
import { safeReturnUrl } from './return-url';

/** The API's rule for new passwords (RegisterRequest.password). */
export const MIN_PASSWORD_LENGTH = 12;

@Component({
  selector: 'act-register-page',
  imports: [
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    ReactiveFormsModule,
    RouterLink,
  ],
  providers: [{ provide: ErrorStateMatcher, useClass: ShowOnDirtyErrorStateMatcher }],
  templateUrl: './register-page.html',
  styleUrl: './auth-page.css',
})
export class RegisterPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly invitations = inject(InvitationsApi);
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, {
    requireSync: true,
  });

  protected readonly minLength = MIN_PASSWORD_LENGTH;
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly errorText = errorText;

  protected readonly form = new FormGroup({
    email: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, emailValidator],
    }),
    displayName: new FormControl('', {
      nonNullable: true,
      validators: [Validators.maxLength(100)],
    }),
    password: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.minLength(MIN_PASSWORD_LENGTH)],
    }),
  });

  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly invitation = computed(() => this.query().get('invitation'));
  protected readonly signInQuery = computed(() => {
    const invitation = this.invitation();
    const returnUrl = this.query().get('returnUrl');
    return {
      ...(invitation ? { invitation } : {}),
      ...(returnUrl ? { returnUrl } : {}),
    };
  });

  /** Who invited whom to what, so the invitee sees what they are joining. */
  protected readonly preview = rxResource({
    params: () => this.invitation() ?? undefined,
    stream: ({ params: token }) => this.invitations.preview(token),
  });
  protected readonly previewValue = computed(() =>
    this.preview.hasValue() ? this.preview.value() : null,
  );

  private readonly passwordLength = toSignal(
    this.form.controls.password.valueChanges.pipe(
      startWith(this.form.controls.password.value),
      map((value) => value.length),
    ),
    { requireSync: true },
  );
  /** Live hint shown while the password is long enough or untouched. */
  protected readonly passwordHint = computed(() =>
    this.passwordLength() >= MIN_PASSWORD_LENGTH
      ? `${this.passwordLength()} characters: long enough.`
      : `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words are easy to remember.`,
  );

  constructor() {
    // Prefill the invited address; the user may still change it.
    effect(() => {
      const preview = this.previewValue();
      const email = this.form.controls.email;
      if (preview && !email.dirty && email.value === '') {
        email.setValue(preview.email);
      }
    });
  }

  protected async submit(): Promise<void> {
    this.error.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    try {
      const { email, displayName, password } = this.form.getRawValue();
      const invitationToken = this.invitation() ?? undefined;
      await this.auth.register({
        email: email.trim(),
        password,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(invitationToken ? { invitationToken } : {}),
      });
      // With an invitation the new account joins that workspace (its only one).
      await this.router.navigateByUrl(
        invitationToken ? '/' : safeReturnUrl(this.query().get('returnUrl')),
      );
    } catch (error) {
      this.error.set(applyProblem(this.form, error, 'The account could not be created.'));
    } finally {
      this.submitting.set(false);
    }
  }
}
