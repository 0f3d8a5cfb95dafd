import type { AbstractControl, ValidatorFn } from '@angular/forms';

/** Stricter than Angular's `Validators.email`, which accepts `a@b`. */
export const emailValidator: ValidatorFn = (control) => {
  const value = String(control.value ?? '').trim();
  return value === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
    ? null
    : { email: true };
};

/** Plain http(s) URL, for base-URL overrides. */
export const httpUrlValidator: ValidatorFn = (control) => {
  const value = String(control.value ?? '').trim();
  if (value === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? null
      : { url: true };
  } catch {
    return { url: true };
  }
};

/** A non-negative decimal amount with at most two decimals, as the API's money strings. */
export const amountValidator: ValidatorFn = (control) => {
  const value = String(control.value ?? '').trim();
  return value === '' || /^\d{1,12}(\.\d{1,2})?$/.test(value)
    ? null
    : { amount: true };
};

/** The first error of a control as a sentence, for `<mat-error>`. */
export function errorText(control: AbstractControl): string {
  const errors = control.errors;
  if (!errors) return '';
  if (typeof errors['server'] === 'string') return errors['server'];
  if (errors['required']) return 'Required.';
  if (errors['email']) return 'Enter a valid e-mail address, like name@example.com.';
  if (errors['minlength']) {
    const { requiredLength, actualLength } = errors['minlength'] as {
      requiredLength: number;
      actualLength: number;
    };
    return `At least ${requiredLength} characters (${requiredLength - actualLength} more).`;
  }
  if (errors['maxlength']) {
    const { requiredLength } = errors['maxlength'] as { requiredLength: number };
    return `At most ${requiredLength} characters.`;
  }
  if (errors['url']) return 'Enter a full URL starting with https://.';
  if (errors['amount']) return 'Enter an amount like 250 or 250.00.';
  return 'Invalid value.';
}
