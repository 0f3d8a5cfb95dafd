import { DatePipe } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import type { IngestKeyDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { AccountsApi } from '../accounts/accounts-api';
import { listAll } from '../http/list-all';
import { describeError } from '../http/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { StatusChip } from '../ui/status-chip';
import { WorkspaceContext } from '../workspaces/workspace-context';
import { CreateIngestKeyDialog, CreateIngestKeyDialogData } from './create-ingest-key-dialog';
import { IngestKeysApi } from './ingest-keys-api';

interface KeyRow extends IngestKeyDto {
  accountName: string;
}

@Component({
  selector: 'act-ingest-keys-page',
  imports: [DatePipe, MatButtonModule, MatProgressBarModule, MatTableModule, StatusChip],
  templateUrl: './ingest-keys-page.html',
  styleUrl: '../ui/page.css',
})
export class IngestKeysPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly keysApi = inject(IngestKeysApi);
  private readonly accountsApi = inject(AccountsApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly canManage = computed(() => this.context.can('ingest-keys:manage'));
  /** Only managers load anything: the key list is theirs alone. */
  private readonly workspaceId = computed(() =>
    this.canManage() ? this.context.currentId() : undefined,
  );

  protected readonly keys = rxResource({
    params: () => this.workspaceId(),
    stream: ({ params: ws }) => listAll((cursor) => this.keysApi.list(ws, cursor)),
  });
  protected readonly accounts = rxResource({
    params: () => this.workspaceId(),
    stream: ({ params: ws }) => listAll((cursor) => this.accountsApi.list(ws, cursor)),
  });

  protected readonly rows = computed((): KeyRow[] => {
    if (!this.keys.hasValue()) return [];
    const accounts = this.accounts.hasValue() ? this.accounts.value() : [];
    return this.keys.value().map((key) => ({
      ...key,
      accountName: accounts.find((a) => a.id === key.accountId)?.displayName ?? key.accountId,
    }));
  });
  protected readonly bindable = computed(() =>
    this.accounts.hasValue()
      ? this.accounts.value().filter((account) => account.status !== 'disconnected')
      : [],
  );

  protected readonly columns = ['name', 'account', 'hint', 'created', 'status', 'actions'];
  protected readonly busy = signal<string | null>(null);

  protected errorOf(error: unknown): string {
    return describeError(error, 'The ingest keys could not be loaded.');
  }

  protected create(): void {
    const workspaceId = this.context.currentId();
    if (!workspaceId) return;
    const data: CreateIngestKeyDialogData = { workspaceId, accounts: this.bindable() };
    this.dialog
      .open(CreateIngestKeyDialog, { data, width: '560px', maxWidth: '95vw', disableClose: true })
      .afterClosed()
      .subscribe((created) => {
        if (created) this.keys.reload();
      });
  }

  protected async revoke(key: KeyRow): Promise<void> {
    const ws = this.context.currentId();
    if (!ws) return;
    const confirmed = await confirmAction(this.dialog, {
      title: `Revoke ${key.name}?`,
      message: 'Senders using this key will be refused from now on. This cannot be undone.',
      confirmLabel: 'Revoke',
      destructive: true,
    });
    if (!confirmed) return;
    this.busy.set(key.id);
    try {
      await firstValueFrom(this.keysApi.revoke(ws, key.id));
      this.snackBar.open(`${key.name} was revoked.`, 'Close', { duration: 5000 });
      this.keys.reload();
    } catch (error) {
      this.snackBar.open(describeError(error, 'The key could not be revoked.'), 'Close', {
        duration: 5000,
      });
    } finally {
      this.busy.set(null);
    }
  }
}
