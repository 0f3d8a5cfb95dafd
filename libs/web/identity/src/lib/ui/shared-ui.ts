/**
 * The identity pages' UI pieces that other page libraries reuse (the confirm dialog, the one-time
 * secret field, the status chip), reached through `IDENTITY_UI` only: exported from the entry
 * point, which the shell imports eagerly, they would drag Material's dialog, chips and form
 * fields into the initial bundle (measured: +335 kB).
 */
export { ConfirmDialog, confirmAction } from './confirm-dialog';
export { SecretField } from './secret-field';
export { StatusChip } from './status-chip';
