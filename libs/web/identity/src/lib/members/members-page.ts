import { DatePipe } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { InvitationDto, MemberDto, WorkspaceRole } from '@act/contracts';
import { firstValueFrom, map } from 'rxjs';
import { AuthService } from '../auth/auth-service';
import { listAll } from '../http/list-all';
import { describeError } from '../http/problem';
import { InvitationsApi } from '../invitations/invitations-api';
import { confirmAction } from '../ui/confirm-dialog';
import {
  MemberActions,
  ROLE_LABELS,
  assignableRoles,
  invitableRoles,
  memberActions,
} from '../workspaces/permissions';
import { WorkspaceContext } from '../workspaces/workspace-context';
import { InviteDialog, InviteDialogData } from './invite-dialog';
import { MembersApi } from './members-api';

interface MemberRow extends MemberDto {
  roleLabel: string;
  you: boolean;
  actions: MemberActions;
}

interface InvitationRow extends InvitationDto {
  roleLabel: string;
}

@Component({
  selector: 'act-members-page',
  imports: [
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    MatTooltipModule,
  ],
  templateUrl: './members-page.html',
  styleUrl: '../ui/page.css',
})
export class MembersPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly auth = inject(AuthService);
  private readonly membersApi = inject(MembersApi);
  private readonly invitationsApi = inject(InvitationsApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly roleLabels = ROLE_LABELS;
  protected readonly canManage = computed(() => this.context.can('members:manage'));
  protected readonly assignable = computed(() => assignableRoles(this.context.role()));

  protected readonly members = rxResource({
    params: () => this.context.currentId(),
    stream: ({ params: ws }) => listAll((cursor) => this.membersApi.list(ws, cursor)),
  });

  protected readonly invitations = rxResource({
    // Only managers may list invitations; nobody else asks.
    params: () => (this.canManage() ? this.context.currentId() : undefined),
    stream: ({ params: ws }) =>
      listAll((cursor) => this.invitationsApi.list(ws, cursor)).pipe(
        map((all) => all.filter((invitation) => invitation.status === 'pending')),
      ),
  });

  protected readonly rows = computed((): MemberRow[] => {
    if (!this.members.hasValue()) return [];
    const members = this.members.value();
    const owners = members.filter((member) => member.role === 'owner').length;
    const me = this.auth.user()?.id;
    const actor = this.context.role();
    return members.map((member) => ({
      ...member,
      roleLabel: ROLE_LABELS[member.role],
      you: member.userId === me,
      actions: memberActions(actor, member.role, owners),
    }));
  });
  protected readonly pending = computed((): InvitationRow[] =>
    this.invitations.hasValue()
      ? this.invitations.value().map((invitation) => ({
          ...invitation,
          roleLabel: ROLE_LABELS[invitation.role],
        }))
      : [],
  );

  protected readonly memberColumns = computed(() =>
    this.canManage() ? ['member', 'role', 'joined', 'actions'] : ['member', 'role', 'joined'],
  );
  protected readonly invitationColumns = ['email', 'role', 'expires', 'actions'];

  /** The member or invitation a write is in flight for. */
  protected readonly busy = signal<string | null>(null);

  protected errorOf(error: unknown): string {
    return describeError(error, 'The members could not be loaded.');
  }

  protected invite(): void {
    const workspace = this.context.current();
    if (!workspace) return;
    const data: InviteDialogData = {
      workspaceId: workspace.id,
      workspaceName: workspace.name,
      roles: invitableRoles(this.context.role()),
    };
    this.dialog
      .open(InviteDialog, { data, width: '520px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((created) => {
        if (created) this.invitations.reload();
      });
  }

  protected async changeRole(member: MemberRow, role: WorkspaceRole): Promise<void> {
    const ws = this.context.currentId();
    if (!ws || role === member.role) return;
    this.busy.set(member.userId);
    try {
      await firstValueFrom(this.membersApi.changeRole(ws, member.userId, { role }));
      this.notify(`${member.displayName || member.email} is now ${ROLE_LABELS[role]}.`);
      // Changing one's own role changes what this page may show.
      if (member.you) await this.context.reload();
    } catch (error) {
      this.notify(describeError(error, 'The role could not be changed.'));
    } finally {
      this.busy.set(null);
      // Also puts the select back to the real role after a refusal.
      this.members.reload();
    }
  }

  protected async remove(member: MemberRow): Promise<void> {
    const ws = this.context.currentId();
    const workspace = this.context.current();
    if (!ws || !workspace) return;
    const confirmed = await confirmAction(this.dialog, {
      title: 'Remove member?',
      message: `${member.displayName || member.email} will lose access to ${workspace.name}.`,
      confirmLabel: 'Remove',
      destructive: true,
    });
    if (!confirmed) return;
    this.busy.set(member.userId);
    try {
      await firstValueFrom(this.membersApi.remove(ws, member.userId));
      this.notify(`${member.email} was removed.`);
      this.members.reload();
    } catch (error) {
      this.notify(describeError(error, 'The member could not be removed.'));
    } finally {
      this.busy.set(null);
    }
  }

  protected async revoke(invitation: InvitationDto): Promise<void> {
    const ws = this.context.currentId();
    if (!ws) return;
    const confirmed = await confirmAction(this.dialog, {
      title: 'Revoke invitation?',
      message: `The link sent to ${invitation.email} will stop working.`,
      confirmLabel: 'Revoke',
      destructive: true,
    });
    if (!confirmed) return;
    this.busy.set(invitation.id);
    try {
      await firstValueFrom(this.invitationsApi.revoke(ws, invitation.id));
      this.notify(`The invitation for ${invitation.email} was revoked.`);
      this.invitations.reload();
    } catch (error) {
      this.notify(describeError(error, 'The invitation could not be revoked.'));
    } finally {
      this.busy.set(null);
    }
  }

  private notify(message: string): void {
    this.snackBar.open(message, 'Close', { duration: 5000 });
  }
}
