import { Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
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
import { emailValidator, errorText } from '../http/form-errors';
import { applyProblem } from '../http/problem';
import { AuthService } from './auth-service';
import { safeReturnUrl } from './return-url';

@Component({
  selector: 'act-sign-in-page',
  imports: [
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    ReactiveFormsModule,
    RouterLink,
  ],
  // Validate as the user types, not only after leaving the field.
  providers: [{ provide: ErrorStateMatcher, useClass: ShowOnDirtyErrorStateMatcher }],
  templateUrl: './sign-in-page.html',
  styleUrl: './auth-page.css',
})
export class SignInPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, {
    requireSync: true,
  });

  protected readonly form = new FormGroup({
    email: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, emailValidator],
    }),
    password: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required],
    }),
  });

  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly errorText = errorText;

  protected readonly invitation = computed(() => this.query().get('invitation'));
  protected readonly returnUrl = computed(() => {
    const invitation = this.invitation();
    // Back to the invitation page, which accepts it once signed in.
    return invitation
      ? `/invitations/${encodeURIComponent(invitation)}?accept=1`
      : safeReturnUrl(this.query().get('returnUrl'));
  });
  protected readonly registerQuery = computed(() => {
    const invitation = this.invitation();
    const returnUrl = this.query().get('returnUrl');
    return {
      ...(invitation ? { invitation } : {}),
      ...(returnUrl ? { returnUrl } : {}),
    };
  });

  protected async submit(): Promise<void> {
    this.error.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    try {
      const { email, password } = this.form.getRawValue();
      await this.auth.login({ email: email.trim(), password });
      await this.router.navigateByUrl(this.returnUrl());
    } catch (error) {
      this.error.set(
        applyProblem(this.form, error, 'Signing in failed. Check your e-mail and password.'),
      );
    } finally {
      this.submitting.set(false);
    }
  }
}
