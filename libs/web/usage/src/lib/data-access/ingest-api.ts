import { HttpClient, HttpErrorResponse, HttpHeaders, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { WriteResponse } from '@act/contracts';
import { Observable, catchError, throwError } from 'rxjs';
import { workspaceUrl } from '../http/api';
import { problemOf } from '../http/problem';
import type {
  CreateManualEntryRequest,
  ImportReportDto,
  ManualEntryPage,
  ManualEntryWriteDto,
  UpdateManualEntryRequest,
} from './ingest-types';

/** A refused import (422) still carries the full report: every problem with its line and column. */
export class ImportRefused extends Error {
  constructor(
    readonly report: ImportReportDto,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Manual entries (list, create, edit, delete) and CSV import. */
@Injectable({ providedIn: 'root' })
export class IngestApi {
  private readonly http = inject(HttpClient);

  listManualEntries(workspaceId: string, cursor: string | null = null): Observable<ManualEntryPage> {
    const params = cursor ? new HttpParams().set('cursor', cursor) : undefined;
    return this.http.get<ManualEntryPage>(workspaceUrl(workspaceId, 'manual-entries'), { params });
  }

  createManualEntry(workspaceId: string, request: CreateManualEntryRequest): Observable<ManualEntryWriteDto> {
    return this.http.post<ManualEntryWriteDto>(workspaceUrl(workspaceId, 'manual-entries'), request);
  }

  /** Changes an entry's numbers; the answer carries the write's `position` (read-your-writes). */
  updateManualEntry(workspaceId: string, entryId: string, request: UpdateManualEntryRequest): Observable<ManualEntryWriteDto> {
    return this.http.patch<ManualEntryWriteDto>(workspaceUrl(workspaceId, 'manual-entries', entryId), request);
  }

  deleteManualEntry(workspaceId: string, entryId: string): Observable<WriteResponse> {
    return this.http.delete<WriteResponse>(workspaceUrl(workspaceId, 'manual-entries', entryId));
  }

  /**
   * Sends the file as `text/csv`; a dry run validates and reports, writing nothing. `accountId`
   * is the account of an export that names none of ours (Azure, AWS, OpenAI usage page).
   */
  importCsv(workspaceId: string, csv: string, dryRun: boolean, accountId: string | null = null): Observable<ImportReportDto> {
    let params = new HttpParams().set('dryRun', String(dryRun));
    if (accountId) params = params.set('accountId', accountId);
    return this.http
      .post<ImportReportDto>(workspaceUrl(workspaceId, 'imports'), csv, {
        params,
        headers: new HttpHeaders({ 'Content-Type': 'text/csv' }),
      })
      .pipe(
        catchError((error: unknown) => {
          const body = problemOf(error) as { report?: ImportReportDto; detail?: string } | null;
          if (error instanceof HttpErrorResponse && error.status === 422 && body?.report) {
            return throwError(() => new ImportRefused(body.report as ImportReportDto, body.detail ?? 'The file has problems.'));
          }
          return throwError(() => error);
        }),
      );
  }
}
