import { HttpClient } from '@angular/common/http';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type {
  LoginRequest,
  MeResponse,
  RegisterRequest,
  SessionResponse,
  UserDto,
  WorkspaceSummaryDto,
} from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { apiUrl } from '../http/api';
import { isPublicUrl } from './return-url';

export type AuthStatus = 'restoring' | 'signed-in' | 'signed-out';

interface SessionState {
  user: UserDto;
  workspaces: WorkspaceSummaryDto[];
}

/** Refresh this long before the access token expires… */
const REFRESH_MARGIN_MS = 60_000;
/** …but never sooner than this share of its lifetime, for very short-lived tokens. */
const MIN_LIFETIME_SHARE = 0.5;

/** When to refresh an access token that lives `expiresInSeconds`. */
export function refreshDelayMs(expiresInSeconds: number): number {
  const lifetime = Math.max(0, expiresInSeconds) * 1000;
  return Math.max(lifetime - REFRESH_MARGIN_MS, lifetime * MIN_LIFETIME_SHARE);
}

/**
 * The signed-in user and their access token.
 *
 * The access token lives in this object only, never in localStorage,
 * sessionStorage or a readable cookie: script injected into the page could
 * read those and replay the token elsewhere. After a reload the session comes
 * back through `POST /auth/refresh`, whose refresh token is an httpOnly
 * cookie that page script cannot read at all.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);

  private readonly token = signal<string | null>(null);
  private readonly session = signal<SessionState | null>(null);
  private readonly state = signal<AuthStatus>('restoring');

  readonly status = this.state.asReadonly();
  readonly signedIn = computed(() => this.state() === 'signed-in');
  readonly user = computed(() => this.session()?.user ?? null);
  readonly workspaces = computed(() => this.session()?.workspaces ?? []);

  private restoring: Promise<boolean> | null = null;
  private refreshing: Promise<SessionResponse | null> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.cancelRefresh());
  }

  /** The current access token, for the Authorization header. */
  accessToken(): string | null {
    return this.token();
  }

  /**
   * Restores the session from the refresh cookie, once per app start; every
   * caller (app initializer, guards) shares the same attempt. Resolves whether
   * someone is signed in.
   */
  restore(): Promise<boolean> {
    this.restoring ??= this.refresh().then((session) => session !== null);
    return this.restoring;
  }

  /**
   * Trades the refresh cookie for a new access token. Concurrent callers (a
   * burst of 401s) share one request, and tabs take turns: the server rotates
   * the refresh token on every use and treats a reused one as theft, ending
   * the whole session, so two parallel refreshes with the same cookie would
   * sign the user out.
   */
  refresh(): Promise<SessionResponse | null> {
    this.refreshing ??= acrossTabs(() =>
      firstValueFrom(this.http.post<SessionResponse>(apiUrl('auth', 'refresh'), null)),
    )
      .then(
        (session) => {
          this.start(session);
          return session;
        },
        () => {
          this.end();
          return null;
        },
      )
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  async login(request: LoginRequest): Promise<SessionResponse> {
    const session = await firstValueFrom(
      this.http.post<SessionResponse>(apiUrl('auth', 'login'), request),
    );
    this.start(session);
    return session;
  }

  async register(request: RegisterRequest): Promise<SessionResponse> {
    const session = await firstValueFrom(
      this.http.post<SessionResponse>(apiUrl('auth', 'register'), request),
    );
    this.start(session);
    return session;
  }

  /** Ends the session on the server (revokes the refresh cookie) and here. */
  async logout(): Promise<void> {
    try {
      await firstValueFrom(this.http.post<void>(apiUrl('auth', 'logout'), null));
    } catch {
      // Signing out locally matters more than the server's answer: the token
      // is dropped either way and the cookie expires on its own.
    }
    this.end();
    await this.router.navigate(['/sign-in']);
  }

  /**
   * The session could not be renewed: forget it and send the user to sign in,
   * keeping where they were so they come back to it.
   */
  expire(): void {
    this.end();
    const current = this.router.url;
    if (isPublicUrl(current)) return;
    void this.router.navigate(['/sign-in'], {
      queryParams: current && current !== '/' ? { returnUrl: current } : {},
    });
  }

  /** Reloads the user and their workspaces (`GET /auth/me`), e.g. after a role change. */
  async reloadMe(): Promise<void> {
    const me = await firstValueFrom(this.http.get<MeResponse>(apiUrl('auth', 'me')));
    if (this.signedIn()) {
      this.session.set({ user: me.user, workspaces: me.workspaces });
    }
  }

  /** Adds or updates one workspace of the session (after creating or joining it). */
  upsertWorkspace(workspace: WorkspaceSummaryDto): void {
    const summary: WorkspaceSummaryDto = {
      id: workspace.id,
      name: workspace.name,
      role: workspace.role,
    };
    this.session.update((session) => {
      if (!session) return session;
      const known = session.workspaces.some((w) => w.id === summary.id);
      const workspaces = known
        ? session.workspaces.map((w) => (w.id === summary.id ? summary : w))
        : [...session.workspaces, summary];
      return { ...session, workspaces };
    });
  }

  private start(session: SessionResponse): void {
    this.token.set(session.accessToken);
    this.session.set({ user: session.user, workspaces: session.workspaces });
    this.state.set('signed-in');
    // A sign-in also settles the start-up restore: guards must not refresh again.
    this.restoring = Promise.resolve(true);
    this.scheduleRefresh(session.expiresIn);
  }

  private end(): void {
    this.cancelRefresh();
    this.token.set(null);
    this.session.set(null);
    this.state.set('signed-out');
    this.restoring = Promise.resolve(false);
  }

  private scheduleRefresh(expiresInSeconds: number): void {
    this.cancelRefresh();
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh().then((session) => {
        if (!session) this.expire();
      });
    }, refreshDelayMs(expiresInSeconds));
  }

  private cancelRefresh(): void {
    if (this.refreshTimer !== null) {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = null;
    }
  }
}


const REFRESH_LOCK = 'act-auth-refresh';

/**
 * Runs `task` while holding a lock shared by every tab of this origin (Web
 * Locks API). The next tab then sends the cookie the previous refresh set.
 */
function acrossTabs<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? locks.request(REFRESH_LOCK, task) : task();
}
