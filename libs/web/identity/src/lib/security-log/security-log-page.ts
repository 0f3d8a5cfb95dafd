import { DatePipe } from '@angular/common';
import { Component, computed, inject, linkedSignal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import type { SecurityEventKind, SecurityLogEntryDto } from '@act/contracts';
import { describeError } from '../http/problem';
import { WorkspaceContext } from '../workspaces/workspace-context';
import { SecurityLogApi } from './security-log-api';

export const SECURITY_LOG_PAGE_SIZE = 50;

export const KIND_LABELS: Record<SecurityEventKind, string> = {
  'signed-in': 'Signed in',
  'sign-in-failed': 'Sign-in failed',
  'member-joined': 'Member joined',
  'member-role-changed': 'Role changed',
  'member-removed': 'Member removed',
  'invitation-created': 'Invitation created',
  'invitation-revoked': 'Invitation revoked',
  'account-connected': 'Account connected',
  'account-credentials-rotated': 'Credentials rotated',
  'account-disconnected': 'Account disconnected',
  'ingest-key-created': 'Ingest key created',
  'ingest-key-revoked': 'Ingest key revoked',
};

interface LogRow extends SecurityLogEntryDto {
  kindLabel: string;
  details: string;
}

@Component({
  selector: 'act-security-log-page',
  imports: [DatePipe, MatButtonModule, MatProgressBarModule, MatTableModule],
  templateUrl: './security-log-page.html',
  styleUrl: '../ui/page.css',
})
export class SecurityLogPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly api = inject(SecurityLogApi);

  protected readonly canRead = computed(() => this.context.can('security-log:read'));
  private readonly workspaceId = computed(() =>
    this.canRead() ? this.context.currentId() : undefined,
  );

  /**
   * Cursors of the pages before the current one (the first page has none), so
   * "Newer" can go back; reset when the workspace changes.
   */
  private readonly cursors = linkedSignal<string | undefined, (string | null)[]>({
    source: () => this.workspaceId(),
    computation: () => [null],
  });
  protected readonly pageIndex = computed(() => this.cursors().length - 1);

  protected readonly page = rxResource({
    params: () => {
      const ws = this.workspaceId();
      const cursors = this.cursors();
      return ws ? { ws, cursor: cursors[cursors.length - 1] ?? null } : undefined;
    },
    stream: ({ params }) =>
      this.api.list(params.ws, { limit: SECURITY_LOG_PAGE_SIZE, cursor: params.cursor }),
  });

  protected readonly rows = computed((): LogRow[] =>
    this.page.hasValue()
      ? this.page.value().items.map((entry) => ({
          ...entry,
          kindLabel: KIND_LABELS[entry.kind] ?? entry.kind,
          details: Object.entries(entry.detail ?? {})
            .map(([key, value]) => `${key}: ${value}`)
            .join(', '),
        }))
      : [],
  );
  protected readonly nextCursor = computed(() =>
    this.page.hasValue() ? this.page.value().nextCursor : null,
  );

  protected readonly columns = ['at', 'kind', 'actor', 'subject', 'detail'];

  protected errorOf(error: unknown): string {
    return describeError(error, 'The security log could not be loaded.');
  }

  protected older(): void {
    const cursor = this.nextCursor();
    if (cursor) this.cursors.update((cursors) => [...cursors, cursor]);
  }

  protected newer(): void {
    this.cursors.update((cursors) => (cursors.length > 1 ? cursors.slice(0, -1) : cursors));
  }
}
