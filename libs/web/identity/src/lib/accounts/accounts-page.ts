import { DatePipe } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import type { AccountBalanceDto, AccountDto, ConnectionTestDto } from '@act/contracts';
import { catchError, firstValueFrom, forkJoin, Observable, of } from 'rxjs';
import { listAll } from '../http/list-all';
import { describeError } from '../http/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { ChipTone, StatusChip } from '../ui/status-chip';
import { WorkspaceContext } from '../workspaces/workspace-context';
import { AccountsApi } from './accounts-api';
import { ConnectAccountDialog, ConnectAccountDialogData } from './connect-account-dialog';
import { BALANCE_PROVIDERS, BalanceLine, balanceLine } from './credit-balance';
import { AccountDialogData, EditAccountDialog } from './edit-account-dialog';
import { ACCOUNT_STATUS, TEST_RESULT, providerInfo } from './providers';
import { RotateCredentialsDialog } from './rotate-credentials-dialog';
import { SyncHistory, errorCategoryLabel } from './sync-history';

interface Chip {
  label: string;
  tone: ChipTone;
}

interface AccountRow extends AccountDto {
  providerLabel: string;
  statusChip: Chip;
  test: ConnectionTestDto | null;
  testChip: Chip | null;
  /** Disconnected accounts keep their history but take no more changes. */
  editable: boolean;
  /** The provider has a usage API we sync from (OpenAI, Anthropic, OpenRouter). */
  syncs: boolean;
  /** The prepaid credit balance the sync reads (OpenRouter); null for providers without one. */
  balance: BalanceLine | null;
}

/** A balance that could not be loaded (the account list still shows). */
const BALANCE_NOT_LOADED: BalanceLine = { text: 'Credits: could not be loaded', problem: null, readAt: null };

@Component({
  selector: 'act-accounts-page',
  imports: [
    DatePipe,
    MatButtonModule,
    MatMenuModule,
    MatProgressBarModule,
    MatTableModule,
    StatusChip,
    SyncHistory,
  ],
  templateUrl: './accounts-page.html',
  styleUrls: ['../ui/page.css', './accounts-page.css'],
})
export class AccountsPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly api = inject(AccountsApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly canManage = computed(() => this.context.can('accounts:manage'));
  /** Sync now is recording usage: members may, like the API says (`usage.record`). */
  protected readonly canSync = computed(() => this.context.can('usage:record'));

  protected readonly accounts = rxResource({
    params: () => this.context.currentId(),
    stream: ({ params: ws }) => listAll((cursor) => this.api.list(ws, cursor)),
  });

  /**
   * The credit balances of the accounts that have one (OpenRouter), read by the sync runs; reloaded with the
   * list and when a run followed in the history ends. null: that account's balance could not be loaded.
   */
  protected readonly balances = rxResource({
    params: () => {
      const ws = this.context.currentId();
      if (!ws || !this.accounts.hasValue()) return undefined;
      const ids = this.accounts
        .value()
        .filter((account) => BALANCE_PROVIDERS.has(account.provider) && account.status !== 'disconnected')
        .map((account) => account.id);
      return { ws, ids };
    },
    stream: ({ params }): Observable<Record<string, AccountBalanceDto | null>> =>
      params.ids.length === 0
        ? of({})
        : forkJoin(
            Object.fromEntries(
              params.ids.map((id) => [id, this.api.balance(params.ws, id).pipe(catchError(() => of(null)))] as const),
            ),
          ),
  });

  /** Results of tests run on this page, newer than the list's `lastTest`. */
  private readonly tests = signal<Record<string, ConnectionTestDto>>({});
  protected readonly testing = signal<ReadonlySet<string>>(new Set());
  protected readonly busy = signal<string | null>(null);

  protected readonly rows = computed((): AccountRow[] => {
    if (!this.accounts.hasValue()) return [];
    const tests = this.tests();
    const balances = this.balances.hasValue() ? this.balances.value() : {};
    const now = Date.now();
    return this.accounts.value().map((account) => {
      const balance = balances[account.id];
      const test = tests[account.id] ?? account.lastTest;
      return {
        ...account,
        providerLabel: providerInfo(account.provider).label,
        statusChip: ACCOUNT_STATUS[account.status],
        test,
        testChip: test ? TEST_RESULT[test.result] : null,
        editable: account.status !== 'disconnected',
        syncs: providerInfo(account.provider).syncs,
        balance:
          balance === undefined ? null : balance === null ? BALANCE_NOT_LOADED : balanceLine(balance, now, errorCategoryLabel),
      };
    });
  });

  protected readonly columns = computed(() =>
    this.canManage()
      ? ['account', 'status', 'credential', 'budget', 'test', 'sync', 'actions']
      : ['account', 'status', 'credential', 'budget', 'test', 'sync'],
  );

  /** The account whose sync history is shown below the table, and the run just started for it. */
  protected readonly historyFor = signal<string | null>(null);
  protected readonly historyAccount = computed(
    () => this.rows().find((row) => row.id === this.historyFor()) ?? null,
  );
  protected readonly startedRun = signal<string | null>(null);
  protected readonly historyRefresh = signal(0);
  protected readonly syncing = signal<ReadonlySet<string>>(new Set());

  protected errorOf(error: unknown): string {
    return describeError(error, 'The accounts could not be loaded.');
  }

  protected connect(): void {
    const workspaceId = this.context.currentId();
    if (!workspaceId) return;
    const data: ConnectAccountDialogData = { workspaceId };
    this.dialog
      .open(ConnectAccountDialog, { data, width: '560px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((account) => {
        if (!account) return;
        this.notify(`${account.displayName} is connected. Test the connection to check the key.`);
        this.accounts.reload();
      });
  }

  protected edit(account: AccountRow): void {
    this.openAccountDialog(EditAccountDialog, account, `${account.displayName} was saved.`);
  }

  protected rotate(account: AccountRow): void {
    this.openAccountDialog(
      RotateCredentialsDialog,
      account,
      `The key of ${account.displayName} was replaced. Test the connection to check it.`,
    );
  }

  protected async test(account: AccountRow): Promise<void> {
    const ws = this.context.currentId();
    if (!ws) return;
    this.testing.update((ids) => new Set(ids).add(account.id));
    try {
      const result = await firstValueFrom(this.api.test(ws, account.id));
      this.tests.update((tests) => ({ ...tests, [account.id]: result }));
    } catch (error) {
      this.notify(describeError(error, 'The connection test could not be run.'));
    } finally {
      this.testing.update((ids) => {
        const next = new Set(ids);
        next.delete(account.id);
        return next;
      });
    }
  }

  protected showHistory(account: AccountRow): void {
    this.startedRun.set(null);
    this.historyFor.set(this.historyFor() === account.id ? null : account.id);
  }

  protected async syncNow(account: AccountRow): Promise<void> {
    const ws = this.context.currentId();
    if (!ws) return;
    this.syncing.update((ids) => new Set(ids).add(account.id));
    try {
      const started = await firstValueFrom(this.api.sync(ws, account.id));
      this.notify(
        started.state === 'started'
          ? `Sync of ${account.displayName} started.`
          : `A sync of ${account.displayName} is already running.`,
      );
      this.startedRun.set(started.runId);
      this.historyFor.set(account.id);
      this.historyRefresh.update((n) => n + 1);
    } catch (error) {
      this.notify(describeError(error, 'The sync could not be started.'));
    } finally {
      this.syncing.update((ids) => {
        const next = new Set(ids);
        next.delete(account.id);
        return next;
      });
    }
  }

  protected async setSync(account: AccountRow, syncEnabled: boolean): Promise<void> {
    const ws = this.context.currentId();
    if (!ws) return;
    this.busy.set(account.id);
    try {
      await firstValueFrom(this.api.update(ws, account.id, { syncEnabled }));
      this.notify(
        syncEnabled ? `Sync of ${account.displayName} resumed.` : `Sync of ${account.displayName} paused.`,
      );
      this.accounts.reload();
    } catch (error) {
      this.notify(describeError(error, 'The account could not be changed.'));
    } finally {
      this.busy.set(null);
    }
  }

  protected async disconnect(account: AccountRow): Promise<void> {
    const ws = this.context.currentId();
    if (!ws) return;
    const confirmed = await confirmAction(this.dialog, {
      title: `Disconnect ${account.displayName}?`,
      message:
        'Its key is deleted and syncing stops. The usage and costs recorded so far stay, read-only. This cannot be undone; connect the account again to resume.',
      confirmLabel: 'Disconnect',
      destructive: true,
    });
    if (!confirmed) return;
    this.busy.set(account.id);
    try {
      await firstValueFrom(this.api.disconnect(ws, account.id));
      this.notify(`${account.displayName} was disconnected.`);
      this.accounts.reload();
    } catch (error) {
      this.notify(describeError(error, 'The account could not be disconnected.'));
    } finally {
      this.busy.set(null);
    }
  }

  private openAccountDialog(
    component: typeof EditAccountDialog | typeof RotateCredentialsDialog,
    account: AccountRow,
    done: string,
  ): void {
    const workspaceId = this.context.currentId();
    if (!workspaceId) return;
    const data: AccountDialogData = { workspaceId, account };
    this.dialog
      .open<unknown, AccountDialogData, AccountDto>(component, {
        data,
        width: '520px',
        maxWidth: '95vw',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (!saved) return;
        this.notify(done);
        this.accounts.reload();
      });
  }

  private notify(message: string): void {
    this.snackBar.open(message, 'Close', { duration: 5000 });
  }
}
