import { HttpRequest } from '@angular/common/http';
import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { SessionResponse, WorkspaceRole, WorkspaceSummaryDto } from '@act/contracts';
import { AuthService } from '../auth/auth-service';

/*
 * What every web library's component tests share (TestBed with HttpTestingController, jsdom):
 * a signed-in session, waiting for requests, finding elements by test id. Other libraries
 * import it from `@act/web/identity/testing`.
 */

export const USER_ID = 'u-ada';
export const WS = 'ws1';
export const WS_URL = `api/v1/workspaces/${WS}`;

/** Dialogs close on an animation event jsdom never fires; turn Material's animations off. */
export const NO_ANIMATIONS: Provider = { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } };

export interface SessionOverrides {
  role?: WorkspaceRole;
  workspaces?: WorkspaceSummaryDto[];
  token?: string;
  expiresIn?: number;
  position?: string;
}

export function sessionFixture(overrides: SessionOverrides = {}): SessionResponse {
  return {
    accessToken: overrides.token ?? 'token-1',
    expiresIn: overrides.expiresIn ?? 900,
    position: overrides.position ?? '5',
    user: { id: USER_ID, email: 'ada@example.test', displayName: 'Ada', instanceAdmin: false, createdAt: '2026-01-01T00:00:00Z' },
    workspaces: overrides.workspaces ?? [{ id: WS, name: 'Acme', role: overrides.role ?? 'owner' }],
  };
}

/** Signs in through the real restore flow (POST auth/refresh answered with a session): as `role` in ws1, or as described. */
export async function signIn(as: WorkspaceRole | SessionOverrides = {}): Promise<SessionResponse> {
  const session = sessionFixture(typeof as === 'string' ? { role: as } : as);
  const restored = TestBed.inject(AuthService).restore();
  TestBed.inject(HttpTestingController).expectOne('api/v1/auth/refresh').flush(session);
  await restored;
  return session;
}

/** One macrotask (or `ms`): lets promises, resources and lazy imports move on. */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The one open request matching `predicate`, waiting a few ticks for it to be sent (resources
 * and guards send asynchronously). Fails like `expectOne`.
 */
export async function nextRequest(predicate: (req: HttpRequest<unknown>) => boolean, description: string): Promise<TestRequest> {
  const http = TestBed.inject(HttpTestingController);
  for (let i = 0; i < 30; i++) {
    const found = http.match(predicate);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1) throw new Error(`Expected one request for ${description}, got ${found.length}`);
    await tick();
  }
  return http.expectOne(predicate, description);
}

export function call(method: string, url: string): (req: HttpRequest<unknown>) => boolean {
  return (req) => req.method === method && req.url === url;
}

export function get(url: string): (req: HttpRequest<unknown>) => boolean {
  return call('GET', url);
}

/** An element's text with runs of white space as one space, as a reader sees it. */
export function text(root: ParentNode, testId: string): string {
  return root.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

export function byTestId<T extends Element = HTMLElement>(root: ParentNode, testId: string): T | null {
  return root.querySelector<T>(`[data-testid="${testId}"]`);
}

export function allByTestId<T extends Element = HTMLElement>(root: ParentNode, testId: string): T[] {
  return Array.from(root.querySelectorAll<T>(`[data-testid="${testId}"]`));
}

/** Types into an input the way a user does (value + input event). */
export function type(input: HTMLInputElement | null, value: string): void {
  if (!input) throw new Error('input not found');
  input.value = value;
  input.dispatchEvent(new Event('input'));
}
