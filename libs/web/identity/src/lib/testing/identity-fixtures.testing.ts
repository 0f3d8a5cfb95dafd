import { HttpRequest } from '@angular/common/http';
import {
  HttpTestingController,
  TestRequest,
} from '@angular/common/http/testing';
import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type {
  AccountDto,
  MemberDto,
  SessionResponse,
  WorkspaceRole,
  WorkspaceSummaryDto,
} from '@act/contracts';
import { AuthService } from '../auth/auth-service';

export const USER_ID = 'u-ada';

/** Dialogs close on an animation event jsdom never fires; turn animations off. */
export const NO_ANIMATIONS: Provider = {
  provide: MATERIAL_ANIMATIONS,
  useValue: { animationsDisabled: true },
};

export function sessionFixture(
  overrides: {
    role?: WorkspaceRole;
    workspaces?: WorkspaceSummaryDto[];
    token?: string;
    expiresIn?: number;
    position?: string;
  } = {},
): SessionResponse {
  return {
    accessToken: overrides.token ?? 'token-1',
    expiresIn: overrides.expiresIn ?? 900,
    position: overrides.position ?? '5',
    user: {
      id: USER_ID,
      email: 'ada@example.test',
      displayName: 'Ada',
      instanceAdmin: false,
      createdAt: '2026-01-01T00:00:00Z',
    },
    workspaces: overrides.workspaces ?? [
      { id: 'ws1', name: 'Acme', role: overrides.role ?? 'owner' },
    ],
  };
}

export function memberFixture(overrides: Partial<MemberDto> = {}): MemberDto {
  return {
    userId: 'u-bob',
    email: 'bob@example.test',
    displayName: 'Bob',
    role: 'member',
    joinedAt: '2026-02-01T00:00:00Z',
    ...overrides,
  };
}

export function accountFixture(overrides: Partial<AccountDto> = {}): AccountDto {
  return {
    id: 'acc1',
    provider: 'openai',
    displayName: 'OpenAI production',
    credentialHint: 'sk-admin-…a1b2',
    baseUrl: null,
    monthlyBudget: '250',
    currency: 'USD',
    syncEnabled: true,
    status: 'active',
    connectedAt: '2026-03-01T00:00:00Z',
    lastTest: null,
    ...overrides,
  };
}

/** One macrotask: lets promises, resources and lazy imports move on. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve));
}

/**
 * The one open request matching `predicate`, waiting a few ticks for it to be
 * sent (resources and guards send asynchronously). Fails like `expectOne`.
 */
export async function nextRequest(
  predicate: (req: HttpRequest<unknown>) => boolean,
  description: string,
): Promise<TestRequest> {
  const http = TestBed.inject(HttpTestingController);
  for (let i = 0; i < 20; i++) {
    const found = http.match(predicate);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1) throw new Error(`Expected one request for ${description}, got ${found.length}`);
    await tick();
  }
  return http.expectOne(predicate, description);
}

export function get(url: string): (req: HttpRequest<unknown>) => boolean {
  return (req) => req.method === 'GET' && req.url === url;
}

export function call(method: string, url: string): (req: HttpRequest<unknown>) => boolean {
  return (req) => req.method === method && req.url === url;
}

/** Signs in through the real restore flow (POST auth/refresh answered with a session). */
export async function signIn(
  overrides: Parameters<typeof sessionFixture>[0] = {},
): Promise<SessionResponse> {
  const session = sessionFixture(overrides);
  const restored = TestBed.inject(AuthService).restore();
  TestBed.inject(HttpTestingController).expectOne('api/v1/auth/refresh').flush(session);
  await restored;
  return session;
}

export function text(root: ParentNode, testId: string): string {
  return root.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim() ?? '';
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
