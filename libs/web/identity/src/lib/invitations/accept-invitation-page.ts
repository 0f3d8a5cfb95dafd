import { DatePipe } from '@angular/common';
import { Component, computed, effect, inject, signal } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { WorkspaceSummaryDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthService } from '../auth/auth-service';
import { describeError } from '../http/problem';
import { ROLE_LABELS } from '../workspaces/permissions';
import { WorkspaceContext } from '../workspaces/workspace-context';
import { InvitationsApi } from './invitations-api';

const STATUS_TEXT = {
  accepted: 'This invitation has already been accepted.',
  revoked: 'This invitation was revoked. Ask for a new one.',
  expired: 'This invitation has expired. Ask for a new one.',
} as const;

/**
 * `/invitations/:token`, public. Shows what the invitation is for; a
 * signed-out visitor signs in or registers with the token carried along and
 * comes back here (`?accept=1`) to accept it.
 */
@Component({
  selector: 'act-accept-invitation-page',
  imports: [DatePipe, MatButtonModule, MatCardModule, MatProgressBarModule, RouterLink],
  templateUrl: './accept-invitation-page.html',
  styleUrl: '../auth/auth-page.css',
})
export class AcceptInvitationPage {
  private readonly api = inject(InvitationsApi);
  private readonly context = inject(WorkspaceContext);
  private readonly router = inject(Router);
  protected readonly auth = inject(AuthService);

  private readonly route = inject(ActivatedRoute);
  private readonly params = toSignal(this.route.paramMap, { requireSync: true });
  private readonly query = toSignal(this.route.queryParamMap, { requireSync: true });

  protected readonly roleLabels = ROLE_LABELS;
  protected readonly token = computed(() => this.params().get('token') ?? '');

  protected readonly preview = rxResource({
    params: () => this.token() || undefined,
    stream: ({ params: token }) => this.api.preview(token),
  });
  protected readonly invitation = computed(() =>
    this.preview.hasValue() ? this.preview.value() : null,
  );
  protected readonly previewError = computed(() => {
    const error = this.preview.error();
    return error ? describeError(error, 'This invitation could not be loaded.') : null;
  });
  protected readonly closedText = computed(() => {
    const status = this.invitation()?.status;
    return status && status !== 'pending' ? STATUS_TEXT[status] : null;
  });

  protected readonly accepting = signal(false);
  protected readonly acceptError = signal<string | null>(null);
  protected readonly joined = signal<WorkspaceSummaryDto | null>(null);

  protected readonly carry = computed(() => ({ invitation: this.token() }));

  constructor() {
    // Back from sign-in with ?accept=1: accept without a second click.
    let autoAccepted = false;
    effect(() => {
      if (
        !autoAccepted &&
        this.query().get('accept') === '1' &&
        this.auth.signedIn() &&
        this.invitation()?.status === 'pending'
      ) {
        autoAccepted = true;
        void this.accept();
      }
    });
  }

  protected async accept(): Promise<void> {
    if (this.accepting()) return;
    this.accepting.set(true);
    this.acceptError.set(null);
    try {
      const result = await firstValueFrom(this.api.accept(this.token()));
      this.context.adopt(result.workspace);
      this.joined.set(result.workspace);
    } catch (error) {
      this.acceptError.set(describeError(error, 'The invitation could not be accepted.'));
    } finally {
      this.accepting.set(false);
    }
  }

  protected open(): void {
    void this.router.navigateByUrl('/');
  }
}
