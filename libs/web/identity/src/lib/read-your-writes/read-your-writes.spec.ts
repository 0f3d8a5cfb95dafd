import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { PositionTracker, readYourWritesInterceptor } from './read-your-writes';

describe('readYourWritesInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([readYourWritesInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  async function write(method: 'POST' | 'PATCH' | 'DELETE', body: object | null): Promise<void> {
    const done = firstValueFrom(http.request(method, 'api/v1/workspaces/ws1/accounts', { body: {} }));
    backend.expectOne((req) => req.method === method).flush(body);
    await done;
  }

  function getUrl(url: string): string {
    void firstValueFrom(http.get(url));
    const req = backend.expectOne((r) => r.method === 'GET');
    const sent = req.request.urlWithParams;
    req.flush({});
    return sent;
  }

  it('sends no waitFor before any write', () => {
    expect(getUrl('api/v1/workspaces/ws1/accounts')).toBe('api/v1/workspaces/ws1/accounts');
  });

  it('adds the position of a write to the next reads', async () => {
    await write('POST', { account: {}, position: '42' });

    expect(getUrl('api/v1/workspaces/ws1/accounts')).toBe(
      'api/v1/workspaces/ws1/accounts?waitFor=42',
    );
    expect(getUrl('api/v1/workspaces/ws1/members')).toBe(
      'api/v1/workspaces/ws1/members?waitFor=42',
    );
  });

  it('keeps the highest position, comparing them as big integers', async () => {
    await write('PATCH', { position: '99' });
    // Past 2^53, where a float would round.
    await write('POST', { position: '9007199254740993' });
    // Later, lower answers (another writer's older position) must not lower the bar;
    // "7" > "9007199254740993" as strings.
    await write('DELETE', { position: '100' });
    await write('POST', { position: '7' });

    expect(TestBed.inject(PositionTracker).waitFor()).toBe('9007199254740993');
  });

  it('ignores writes without a position (204, errors, other bodies)', async () => {
    await write('DELETE', null);
    await write('POST', { position: 'not-a-number' });
    const failed = firstValueFrom(http.post('api/v1/workspaces', {}));
    backend
      .expectOne('api/v1/workspaces')
      .flush({ position: '9', title: 'x' }, { status: 400, statusText: 'Bad Request' });
    await expect(failed).rejects.toBeTruthy();

    expect(TestBed.inject(PositionTracker).waitFor()).toBeNull();
  });

  it('leaves other origins, the health report and an explicit waitFor alone', async () => {
    await write('POST', { position: '12' });

    expect(getUrl('https://api.openai.com/v1/models')).toBe('https://api.openai.com/v1/models');
    expect(getUrl('api/v1/health')).toBe('api/v1/health');
    expect(getUrl('api/v1/workspaces/ws1/accounts?waitFor=3')).toBe(
      'api/v1/workspaces/ws1/accounts?waitFor=3',
    );
  });
});
