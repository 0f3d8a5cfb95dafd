import { HttpClient, HttpParams, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { UsageExportFormat } from '@act/contracts';
import { Observable, map } from 'rxjs';
import { workspaceUrl } from '../http/api';

export type ExportFormat = UsageExportFormat;

export interface ExportFile {
  blob: Blob;
  filename: string;
}

const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', json: 'json', focus: 'csv' };

/** `attachment; filename="usage.csv"` (or RFC 5987 `filename*=UTF-8''…`) → the name. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // Fall through to the plain parameter.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() ?? null;
}

/**
 * Exports go through HttpClient (not a plain link) so the request carries the bearer token: the
 * access token lives in memory only, and a link would open without it.
 */
@Injectable({ providedIn: 'root' })
export class ExportApi {
  private readonly http = inject(HttpClient);

  download(workspaceId: string, format: ExportFormat, from: string, to: string): Observable<ExportFile> {
    const params = new HttpParams().set('format', format).set('from', from).set('to', to);
    return this.http
      .get(workspaceUrl(workspaceId, 'export'), { params, responseType: 'blob', observe: 'response' })
      .pipe(
        map((response: HttpResponse<Blob>) => ({
          blob: response.body ?? new Blob([]),
          filename:
            filenameFromDisposition(response.headers.get('Content-Disposition')) ??
            `usage-${format === 'focus' ? 'focus-' : ''}${from}-to-${to}.${EXTENSIONS[format]}`,
        })),
      );
  }
}

/** Hands a blob to the browser as a download (an object URL on a temporary link). */
export function saveFile(file: ExportFile, doc: Document = document): void {
  const url = URL.createObjectURL(file.blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.style.display = 'none';
  doc.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser the tick it needs to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
