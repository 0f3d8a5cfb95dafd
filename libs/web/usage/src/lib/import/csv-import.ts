import { DecimalPipe } from '@angular/common';
import { Component, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import type { AccountDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { ImportRefused, IngestApi } from '../data-access/ingest-api';
import { IMPORT_TEMPLATE_COLUMNS, ImportReportDto } from '../data-access/ingest-types';
import { saveFile } from '../data-access/export-api';
import { describeError } from '../http/problem';

type Step = 'choose' | 'checking' | 'checked' | 'importing' | 'imported';

/** The layouts the API reads (recognized from the header), as the page lists them. */
export const IMPORT_FORMAT_LIST: readonly { readonly id: string; readonly name: string; readonly needsAccount: boolean }[] = [
  { id: 'template', name: 'Our template: one row per account, UTC day and model, holding that day\'s total', needsAccount: false },
  { id: 'azure', name: 'Azure Cost Management cost details export (billed cost lines)', needsAccount: true },
  { id: 'aws', name: 'AWS Cost Explorer CSV download (billed cost lines)', needsAccount: true },
  { id: 'openai-usage', name: 'OpenAI usage page export, Activity → completions (usage per day, model and project)', needsAccount: true },
  { id: 'openai-costs', name: 'OpenAI usage page export, Cost (billed cost lines)', needsAccount: true },
];

/**
 * CSV import in two steps: a dry run reports every row's problem and what would change; the
 * import is offered only for a file without problems (the API refuses anything else as a whole).
 */
@Component({
  selector: 'act-csv-import',
  imports: [DecimalPipe, MatButtonModule, MatFormFieldModule, MatSelectModule, MatTableModule],
  template: `
    <p class="muted">
      The file's layout is recognized from its header. Importing the same file twice changes nothing.
      <button matButton type="button" data-testid="import-template" (click)="downloadTemplate()">Download the template</button>
    </p>
    <ul class="muted formats" data-testid="import-formats">
      @for (format of formats; track format.id) {
        <li data-testid="import-format">{{ format.name }}{{ format.needsAccount ? ' — choose its account below' : '' }}</li>
      }
    </ul>
    <p class="muted">
      The Anthropic Console's usage and cost exports are not read: their columns are not documented. Connect the account with an
      Admin API key instead.
    </p>
    <mat-form-field appearance="outline" class="account-field">
      <mat-label>Account of an Azure, AWS or OpenAI export</mat-label>
      <mat-select data-testid="import-account" [value]="accountId()" (selectionChange)="onAccount($event.value)">
        <mat-option [value]="null">None (our template names its accounts)</mat-option>
        @for (account of accounts(); track account.id) {
          <mat-option [value]="account.id">{{ account.displayName }} ({{ account.provider }})</mat-option>
        }
      </mat-select>
    </mat-form-field>
    <div class="file-row">
      <input type="file" accept=".csv,text/csv" data-testid="import-file" (change)="onFile($event)" />
      @if (fileName(); as name) {
        <span class="muted">{{ name }}</span>
      }
    </div>
    @if (step() === 'checking') {
      <p aria-live="polite">Checking the file…</p>
    }
    @if (error(); as message) {
      <p class="error" role="alert" data-testid="import-error">{{ message }}</p>
    }
    @if (report(); as r) {
      <div class="report" data-testid="import-report" [attr.data-valid]="r.rows.invalid === 0">
        <p data-testid="import-summary">
          {{ r.dryRun ? 'Dry run' : 'Import' }} ({{ r.format }}): {{ r.rows.read }} rows read, {{ r.rows.valid }} valid,
          {{ r.rows.invalid }} invalid. Observations: {{ r.observations.created }} new, {{ r.observations.changed }} changed,
          {{ r.observations.unchanged }} unchanged.
        </p>
        @if (r.problems.length > 0) {
          <div class="table-scroll">
            <table mat-table [dataSource]="r.problems" aria-label="Problems in the file" data-testid="import-problems">
              <ng-container matColumnDef="line">
                <th mat-header-cell *matHeaderCellDef>Line</th>
                <td mat-cell *matCellDef="let p">{{ p.line }}</td>
              </ng-container>
              <ng-container matColumnDef="column">
                <th mat-header-cell *matHeaderCellDef>Column</th>
                <td mat-cell *matCellDef="let p">{{ p.column ?? '—' }}</td>
              </ng-container>
              <ng-container matColumnDef="message">
                <th mat-header-cell *matHeaderCellDef>Problem</th>
                <td mat-cell *matCellDef="let p">{{ p.message }}</td>
              </ng-container>
              <tr mat-header-row *matHeaderRowDef="problemColumns"></tr>
              <tr mat-row *matRowDef="let p; columns: problemColumns" data-testid="import-problem"></tr>
            </table>
          </div>
          @if (r.problemCount > r.problems.length) {
            <p class="muted" data-testid="import-problems-cut">
              The first {{ r.problems.length | number }} of {{ r.problemCount | number }} problems are listed; fix these and check the file again for the rest.
            </p>
          }
          <p class="muted">Nothing can be imported until every row is valid: fix the file and choose it again.</p>
        }
        @if (r.problems.length === 0 && r.rows.valid > 0 && r.observations.created + r.observations.changed === 0) {
          <p class="notice" data-testid="import-unchanged">
            {{ r.dryRun ? 'Every row is already imported: importing this file again changes nothing.' : 'Nothing changed: every row was already imported.' }}
          </p>
        } @else if (step() === 'imported') {
          <p class="notice" data-testid="import-done">Imported. The new figures appear in the usage explorer and the audit.</p>
        }
      </div>
    }
    @if (step() === 'checked' || step() === 'importing') {
      <button
        matButton="filled"
        type="button"
        data-testid="import-apply"
        [disabled]="step() === 'importing' || (report()?.rows?.invalid ?? 1) > 0 || (report()?.rows?.valid ?? 0) === 0"
        (click)="apply()"
      >
        {{ step() === 'importing' ? 'Importing…' : 'Import ' + (report()?.rows?.valid ?? 0) + ' rows' }}
      </button>
    }
  `,
  styleUrl: '../ui/page.css',
  styles: `
    .file-row {
      display: flex;
      align-items: center;
      gap: 12px;
      margin: 8px 0 16px;
    }
    .report {
      margin: 8px 0 16px;
    }
    .formats {
      margin: 0 0 8px;
    }
    .account-field {
      min-width: 320px;
    }
  `,
})
export class CsvImport {
  private readonly api = inject(IngestApi);

  readonly workspaceId = input.required<string>();
  /** Accounts an export without account ids can be imported into. */
  readonly accounts = input<readonly AccountDto[]>([]);
  readonly imported = output<ImportReportDto>();

  protected readonly formats = IMPORT_FORMAT_LIST;
  protected readonly accountId = signal<string | null>(null);

  protected readonly step = signal<Step>('choose');
  protected readonly fileName = signal<string | null>(null);
  protected readonly report = signal<ImportReportDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly problemColumns = ['line', 'column', 'message'];
  private csv: string | null = null;

  protected async onFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.fileName.set(file.name);
    this.csv = await file.text();
    // Choosing the same file again (fixed, or to import it again) must be a change too.
    input.value = '';
    await this.check();
  }

  /** A new account changes what the file means: check it again. */
  protected async onAccount(accountId: string | null): Promise<void> {
    this.accountId.set(accountId);
    await this.check();
  }

  private async check(): Promise<void> {
    if (this.csv === null) return;
    this.step.set('checking');
    this.report.set(null);
    this.error.set(null);
    try {
      this.report.set(await firstValueFrom(this.api.importCsv(this.workspaceId(), this.csv, true, this.accountId())));
      this.step.set('checked');
    } catch (error) {
      this.error.set(describeError(error, 'The file could not be checked.'));
      this.step.set('choose');
    }
  }

  protected async apply(): Promise<void> {
    if (this.csv === null) return;
    this.step.set('importing');
    this.error.set(null);
    try {
      const report = await firstValueFrom(this.api.importCsv(this.workspaceId(), this.csv, false, this.accountId()));
      this.report.set(report);
      this.step.set('imported');
      this.imported.emit(report);
    } catch (error) {
      if (error instanceof ImportRefused) {
        this.report.set(error.report);
        this.error.set(error.detail);
      } else {
        this.error.set(describeError(error, 'The file could not be imported.'));
      }
      this.step.set('checked');
    }
  }

  protected downloadTemplate(): void {
    const example = ['2026-01-31', '<account id>', '', 'llama-3.1-70b-instruct', '', '', '', '', '120000', '', '', '', '3400', '', '42', '', '', '', '', '', '', 'USD'];
    const csv = `${IMPORT_TEMPLATE_COLUMNS.join(',')}\n${example.join(',')}\n`;
    saveFile({ blob: new Blob([csv], { type: 'text/csv' }), filename: 'usage-import-template.csv' });
  }
}
