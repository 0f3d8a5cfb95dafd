import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { HealthResponse } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import {
  HEALTH_URL,
  HealthService,
  describeHealthError,
} from './health-service';
import { healthFixture } from './health-fixture.testing';

describe('HealthService', () => {
  let service: HealthService;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    service = TestBed.inject(HealthService);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('GETs the health report from the same origin', async () => {
    const body = healthFixture();
    const result = firstValueFrom(service.get());

    const req = http.expectOne(HEALTH_URL);
    expect(req.request.method).toBe('GET');
    expect(HEALTH_URL.startsWith('http')).toBe(false);
    req.flush(body);

    await expect(result).resolves.toEqual(body);
  });

  it('treats a 503 carrying a health report as a degraded report', async () => {
    const body: HealthResponse = {
      ...healthFixture(),
      status: 'degraded',
      database: { driver: 'postgresql', ok: false },
    };
    const result = firstValueFrom(service.get());

    http
      .expectOne(HEALTH_URL)
      .flush(body, { status: 503, statusText: 'Service Unavailable' });

    await expect(result).resolves.toEqual(body);
  });

  it('propagates other errors', async () => {
    const result = firstValueFrom(service.get());

    http
      .expectOne(HEALTH_URL)
      .flush('boom', { status: 500, statusText: 'Internal Server Error' });

    await expect(result).rejects.toBeInstanceOf(HttpErrorResponse);
  });
});

describe('describeHealthError', () => {
  it('explains an unreachable server', () => {
    const error = new HttpErrorResponse({ status: 0 });
    expect(describeHealthError(error)).toMatch(/could not be reached/);
  });

  it('prefers the problem detail the API sent', () => {
    const error = new HttpErrorResponse({
      status: 500,
      statusText: 'Internal Server Error',
      error: { title: 'Internal error', detail: 'database closed', status: 500 },
    });
    expect(describeHealthError(error)).toBe(
      'The API server answered 500: database closed.',
    );
  });

  it('has a fallback for non-HTTP errors', () => {
    expect(describeHealthError(new Error('x'))).toMatch(/could not be loaded/);
  });
});
