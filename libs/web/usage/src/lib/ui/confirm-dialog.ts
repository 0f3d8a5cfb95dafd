import type { MatDialog } from '@angular/material/dialog';
import { IDENTITY_UI, type ConfirmDialogData } from '@act/web/identity';

export type { ConfirmDialogData };

/**
 * The identity pages' confirm dialog (same test ids everywhere), loaded with the page that asks
 * rather than with the app. Resolves true only on an explicit yes.
 */
export async function confirmAction(dialog: MatDialog, data: ConfirmDialogData): Promise<boolean> {
  const ui = await IDENTITY_UI();
  return ui.confirmAction(dialog, data);
}
