import { Injectable, computed, inject, linkedSignal } from '@angular/core';
import type { WorkspaceSummaryDto } from '@act/contracts';
import { AuthService } from '../auth/auth-service';
import { Permission, hasPermission } from './permissions';

const STORAGE_PREFIX = 'act.lastWorkspace.';

/**
 * The workspace the user is looking at, their role in it and what that role
 * allows. The last choice is remembered per user in localStorage; only the
 * workspace id is stored there, nothing secret.
 */
@Injectable({ providedIn: 'root' })
export class WorkspaceContext {
  private readonly auth = inject(AuthService);

  readonly workspaces = this.auth.workspaces;

  private readonly chosenId = linkedSignal<string | null, string | null>({
    source: () => this.auth.user()?.id ?? null,
    computation: (userId) => readLastChoice(userId),
  });

  /** The chosen workspace, else the first one; null when the user has none. */
  readonly current = computed((): WorkspaceSummaryDto | null => {
    const workspaces = this.workspaces();
    const chosen = this.chosenId();
    return workspaces.find((w) => w.id === chosen) ?? workspaces[0] ?? null;
  });

  /** `undefined` (not null) when there is none, so resources keyed on it stay idle. */
  readonly currentId = computed(() => this.current()?.id);
  readonly role = computed(() => this.current()?.role ?? null);

  /** Whether the caller's role in the current workspace allows `permission`. */
  can(permission: Permission): boolean {
    return hasPermission(this.role(), permission);
  }

  select(workspaceId: string): void {
    this.chosenId.set(workspaceId);
    const userId = this.auth.user()?.id;
    if (userId) writeLastChoice(userId, workspaceId);
  }

  /** Makes a workspace just created or joined part of the session and switches to it. */
  adopt(workspace: WorkspaceSummaryDto): void {
    this.auth.upsertWorkspace(workspace);
    this.select(workspace.id);
  }

  /** Re-reads the memberships, e.g. after a 403/404 suggests the role changed. */
  reload(): Promise<void> {
    return this.auth.reloadMe();
  }
}

function readLastChoice(userId: string | null): string | null {
  if (!userId) return null;
  try {
    return localStorage.getItem(STORAGE_PREFIX + userId);
  } catch {
    // Storage can be disabled (privacy modes); the first workspace will do.
    return null;
  }
}

function writeLastChoice(userId: string, workspaceId: string): void {
  try {
    localStorage.setItem(STORAGE_PREFIX + userId, workspaceId);
  } catch {
    // See readLastChoice.
  }
}
