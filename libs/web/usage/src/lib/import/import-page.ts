import { Component, ElementRef, Injector, afterNextRender, computed, inject, signal, viewChild } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { WorkspaceContext } from '@act/web/identity';
import { firstValueFrom } from 'rxjs';
import { AccountDirectory, accountNames } from '../data-access/accounts';
import { IngestApi } from '../data-access/ingest-api';
import type { ImportReportDto, ManualEntryDto, ManualEntryWriteDto } from '../data-access/ingest-types';
import { describeError } from '../http/problem';
import { listAll } from '../http/list-all';
import { MoneyPipe } from '../money/money-pipe';
import { CostStatusChip } from '../status/cost-status-chip';
import { confirmAction } from '../ui/confirm-dialog';
import { CsvImport } from './csv-import';
import { ManualEntryForm } from './manual-entry-form';

interface EntryRow extends ManualEntryDto {
  accountName: string;
  /** The account is not disconnected: the entry can still be changed or deleted. */
  writable: boolean;
}

/** Usage without an API: manual entries and CSV import (`/usage/import`). */
@Component({
  selector: 'act-import-page',
  imports: [
    CostStatusChip,
    CsvImport,
    ManualEntryForm,
    MatButtonModule,
    MatCardModule,
    MatProgressBarModule,
    MatTableModule,
    MoneyPipe,
    RouterLink,
  ],
  templateUrl: './import-page.html',
  styleUrl: '../ui/page.css',
})
export class ImportPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly api = inject(IngestApi);
  private readonly directory = inject(AccountDirectory);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly canRecord = computed(() => this.context.can('usage:record'));

  protected readonly entries = rxResource({
    params: () => this.context.currentId(),
    stream: ({ params: ws }) => listAll((cursor) => this.api.listManualEntries(ws, cursor)),
  });
  protected readonly accounts = rxResource({
    params: () => this.context.currentId(),
    stream: ({ params: ws }) => this.directory.list(ws),
  });
  /** Entries can be recorded for accounts that are not disconnected. */
  protected readonly writableAccounts = computed(() =>
    this.accounts.hasValue() ? this.accounts.value().filter((account) => account.status !== 'disconnected') : [],
  );
  protected readonly rows = computed((): EntryRow[] => {
    const names = accountNames(this.accounts.hasValue() ? this.accounts.value() : []);
    const writable = new Set(this.writableAccounts().map((account) => account.id));
    return this.entries.hasValue()
      ? this.entries.value().map((entry) => ({
          ...entry,
          accountName: names.get(entry.accountId)?.displayName ?? entry.accountId,
          writable: writable.has(entry.accountId),
        }))
      : [];
  });
  protected readonly columns = computed(() =>
    this.canRecord() ? ['day', 'account', 'model', 'usage', 'amount', 'actions'] : ['day', 'account', 'model', 'usage', 'amount'],
  );
  protected readonly busy = signal<string | null>(null);
  /** The entry the form changes; null while it adds new ones. */
  protected readonly editing = signal<EntryRow | null>(null);
  private readonly entryCard = viewChild('entryCard', { read: ElementRef<HTMLElement> });
  private readonly entryForm = viewChild(ManualEntryForm);
  private readonly injector = inject(Injector);

  // After a write the list is read again: the read-your-writes interceptor sends that GET with
  // ?waitFor=<the write's position>, so it already holds the write.
  protected onCreated(): void {
    this.snackBar.open('The entry was added.', 'Close', { duration: 4000 });
    this.entries.reload();
  }

  /** Opens the form (at the top of the page) on `entry`, filled in with its numbers. */
  protected edit(entry: EntryRow): void {
    this.editing.set(entry);
    afterNextRender(
      () => {
        this.entryCard()?.nativeElement.scrollIntoView?.({ behavior: 'smooth', block: 'start' });
        this.entryForm()?.focus();
      },
      { injector: this.injector },
    );
  }

  protected onSaved(entry: ManualEntryWriteDto): void {
    this.editing.set(null);
    this.snackBar.open(`The entry for ${entry.model} on ${entry.day} was changed.`, 'Close', { duration: 4000 });
    this.entries.reload();
  }

  protected onImported(report: ImportReportDto): void {
    const { created, changed, unchanged } = report.observations;
    this.snackBar.open(
      created + changed === 0
        ? `Nothing changed: all ${unchanged} rows were already imported.`
        : `Imported: ${created} new, ${changed} changed, ${unchanged} unchanged.`,
      'Close',
      { duration: 6000 },
    );
    this.entries.reload();
  }

  protected async remove(entry: EntryRow): Promise<void> {
    const ws = this.context.currentId();
    if (!ws) return;
    const confirmed = await confirmAction(this.dialog, {
      title: `Delete the entry for ${entry.model} on ${entry.day}?`,
      message: 'It stops counting in every total. The history keeps it, as a deleted entry.',
      confirmLabel: 'Delete',
    });
    if (!confirmed) return;
    this.busy.set(entry.id);
    try {
      await firstValueFrom(this.api.deleteManualEntry(ws, entry.id));
      if (this.editing()?.id === entry.id) this.editing.set(null);
      this.entries.reload();
    } catch (error) {
      this.snackBar.open(describeError(error, 'The entry could not be deleted.'), 'Close', { duration: 6000 });
    } finally {
      this.busy.set(null);
    }
  }

  protected errorOf(error: unknown): string {
    return describeError(error, 'The manual entries could not be loaded.');
  }
}
