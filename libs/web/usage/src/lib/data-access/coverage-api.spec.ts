import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { WS, WS_URL } from '../testing/usage-fixtures.testing';
import { CoverageApi } from './coverage-api';

describe('CoverageApi', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] }));
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('follows nextCursor through every page of the range', async () => {
    const http = TestBed.inject(HttpTestingController);
    const rows = firstValueFrom(TestBed.inject(CoverageApi).all(WS, '2026-02-01', '2026-02-28'));
    const first = http.expectOne((r) => r.url === `${WS_URL}/coverage` && !r.params.has('cursor'));
    expect([first.request.params.get('from'), first.request.params.get('to')]).toEqual(['2026-02-01', '2026-02-28']);
    first.flush({ items: [{ day: '2026-02-01' }], nextCursor: 'c1' });
    const second = http.expectOne((r) => r.url === `${WS_URL}/coverage` && r.params.get('cursor') === 'c1');
    second.flush({ items: [{ day: '2026-02-02' }], nextCursor: null });
    expect((await rows).map((r) => r.day)).toEqual(['2026-02-01', '2026-02-02']);
  });
});
