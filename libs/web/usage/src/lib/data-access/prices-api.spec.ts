import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { SetPriceRequestDto } from '@act/contracts';
import { firstValueFrom } from 'rxjs';
import { WS, WS_URL } from '../testing/usage-fixtures.testing';
import { PricesApi } from './prices-api';

const CHANGE: SetPriceRequestDto = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  effectiveFrom: '2026-03-01',
  prices: { input: '0.0000002', output: '0.0000008' },
};

describe('PricesApi', () => {
  let api: PricesApi;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(PricesApi);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('searches the catalogue with the workspace, so its overrides are included', () => {
    void firstValueFrom(api.search(WS, { q: 'mini', limit: 25 }));
    const req = http.expectOne((r) => r.url === 'api/v1/prices');
    expect(req.request.params.toString()).toBe('q=mini&limit=25&workspace=ws1');
  });

  it('leaves out empty search terms', () => {
    void firstValueFrom(api.search(null, { q: '', provider: 'openai' }));
    expect(http.expectOne((r) => r.url === 'api/v1/prices').request.params.toString()).toBe('provider=openai');
  });

  it('encodes provider and model in the history path', () => {
    void firstValueFrom(api.history(WS, 'openrouter', 'meta-llama/llama-3.1-70b'));
    const req = http.expectOne((r) => r.url === 'api/v1/prices/openrouter/meta-llama%2Fllama-3.1-70b/history');
    expect(req.request.params.get('workspace')).toBe('ws1');
  });

  it('previews with dryRun=true and applies with dryRun=false, the same change in the body', () => {
    void firstValueFrom(api.preview(WS, CHANGE));
    const preview = http.expectOne((r) => r.url === `${WS_URL}/recomputes`);
    expect(preview.request.method).toBe('POST');
    expect(preview.request.params.get('dryRun')).toBe('true');
    expect(preview.request.body).toEqual(CHANGE);

    void firstValueFrom(api.recompute(WS, CHANGE));
    const apply = http.expectOne((r) => r.url === `${WS_URL}/recomputes`);
    expect(apply.request.params.get('dryRun')).toBe('false');
    expect(apply.request.body).toEqual(CHANGE);
  });

  it('sets an override, reads progress and the cost versions', () => {
    void firstValueFrom(api.setOverride(WS, CHANGE));
    expect(http.expectOne(`${WS_URL}/prices`).request.body).toEqual(CHANGE);
    void firstValueFrom(api.progress(WS, 'rc-1'));
    http.expectOne(`${WS_URL}/recomputes/rc-1`);
    void firstValueFrom(api.costVersions(WS));
    http.expectOne(`${WS_URL}/cost-versions`);
    void firstValueFrom(api.costVersion(WS, 2));
    http.expectOne(`${WS_URL}/cost-versions/2`);
  });
});
