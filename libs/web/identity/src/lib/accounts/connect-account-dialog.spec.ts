import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import {
  NO_ANIMATIONS,
  accountFixture,
  byTestId,
  text,
  tick,
  type,
} from '../testing/identity-fixtures.testing';
import { ConnectAccountDialog } from './connect-account-dialog';
import { changes } from './edit-account-dialog';

const ACCOUNTS = 'api/v1/workspaces/ws1/accounts';

describe('ConnectAccountDialog', () => {
  let fixture: ComponentFixture<ConnectAccountDialog>;
  let el: HTMLElement;
  let close: jest.Mock;

  beforeEach(async () => {
    close = jest.fn();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        NO_ANIMATIONS,
        { provide: MAT_DIALOG_DATA, useValue: { workspaceId: 'ws1' } },
        { provide: MatDialogRef, useValue: { close } },
      ],
    });
    fixture = TestBed.createComponent(ConnectAccountDialog);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  async function chooseProvider(id: string): Promise<void> {
    byTestId<HTMLElement>(el, 'connect-provider')?.click();
    await fixture.whenStable();
    byTestId<HTMLElement>(document.body, `connect-provider-${id}`)?.click();
    await fixture.whenStable();
  }

  function submit(): void {
    byTestId<HTMLButtonElement>(el, 'connect-submit')?.click();
  }

  it('explains where to get the admin key for the chosen provider', async () => {
    expect(text(el, 'connect-provider-help')).toMatch(/Admin keys/);
    await chooseProvider('anthropic');
    expect(text(el, 'connect-provider-help')).toMatch(/sk-ant-admin/);
    expect(byTestId<HTMLInputElement>(el, 'connect-name')?.value).toBe('Anthropic');
    await chooseProvider('openrouter');
    expect(text(el, 'connect-provider-help')).toMatch(/management \(provisioning\) key/);
    await chooseProvider('mistral');
    expect(text(el, 'connect-provider-help')).toMatch(/ingest API/);
    expect(byTestId(el, 'connect-sync')).toBeNull();
  });

  it('requires the admin key of a syncing provider, and checks URL and budget as you type', async () => {
    type(byTestId(el, 'connect-base-url'), 'ftp://proxy');
    type(byTestId(el, 'connect-budget'), '12.345');
    await fixture.whenStable();
    expect(text(el, 'connect-base-url-error')).toMatch(/https:/);
    expect(text(el, 'connect-budget-error')).toMatch(/250\.00/);

    submit();
    await fixture.whenStable();
    expect(text(el, 'connect-credentials-error')).toBe('Required.');
    TestBed.inject(HttpTestingController).expectNone(ACCOUNTS);
  });

  it('makes the key optional for a provider whose usage comes through ingest', async () => {
    await chooseProvider('groq');
    submit();

    const req = TestBed.inject(HttpTestingController).expectOne(ACCOUNTS);
    expect(req.request.body).toEqual({ provider: 'groq', displayName: 'Groq' });
  });

  it('sends the request and closes with the new account', async () => {
    type(byTestId(el, 'connect-name'), 'OpenAI production');
    type(byTestId(el, 'connect-credentials'), ' sk-admin-abc ');
    type(byTestId(el, 'connect-budget'), '250.00');
    submit();
    const req = TestBed.inject(HttpTestingController).expectOne(ACCOUNTS);
    expect(req.request.body).toEqual({
      provider: 'openai',
      displayName: 'OpenAI production',
      credentials: 'sk-admin-abc',
      monthlyBudget: '250.00',
      syncEnabled: true,
    });
    const account = accountFixture();
    req.flush({ account, position: '8' }, { status: 201, statusText: 'Created' });
    await tick();

    expect(close).toHaveBeenCalledWith(account);
  });

  it('maps the server’s field errors to the fields', async () => {
    type(byTestId(el, 'connect-credentials'), 'sk-admin-abc');
    type(byTestId(el, 'connect-budget'), '250');
    submit();
    TestBed.inject(HttpTestingController)
      .expectOne(ACCOUNTS)
      .flush(
        {
          title: 'Bad Request',
          status: 400,
          detail: 'The request has invalid fields.',
          errors: [{ path: 'monthlyBudget', message: 'Must be a positive decimal.' }],
        },
        { status: 400, statusText: 'Bad Request' },
      );
    await tick();
    await fixture.whenStable();

    expect(text(el, 'connect-error')).toBe('The request has invalid fields.');
    expect(text(el, 'connect-budget-error')).toBe('Must be a positive decimal.');
    expect(close).not.toHaveBeenCalled();
  });
});

describe('account edit changes', () => {
  it('sends only what changed, and clears emptied optional fields', () => {
    const account = accountFixture({ baseUrl: 'https://proxy.example.test', monthlyBudget: '250' });
    expect(
      changes(account, {
        displayName: 'OpenAI production',
        baseUrl: '',
        monthlyBudget: '250',
        syncEnabled: false,
      }),
    ).toEqual({ baseUrl: null, syncEnabled: false });
  });
});
