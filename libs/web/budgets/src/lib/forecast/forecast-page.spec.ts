import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { WS_URL, allByTestId, byTestId, figuresFixture, forecastFixture, get, nextRequest, signIn, text, tick } from '../testing/budgets-fixtures.testing';
import { ForecastPage } from './forecast-page';

describe('ForecastPage', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), provideNoopAnimations()] });
  });

  async function render() {
    await signIn('viewer');
    const fixture = TestBed.createComponent(ForecastPage);
    fixture.detectChanges();
    const req = await nextRequest(get(`${WS_URL}/forecast`), 'forecast');
    expect(req.request.params.get('groupBy')).toBeNull();
    req.flush(forecastFixture());
    await tick();
    fixture.detectChanges();
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('shows the workspace forecast with its intervals, the chart against the budget and the crossing days', async () => {
    const { el } = await render();
    expect(text(el, 'forecast-chart-title')).toBe('Workspace');
    expect(byTestId(el, 'forecast-chart')).not.toBeNull();
    expect(text(el, 'forecast-point')).toBe('$310.00');
    expect(el.textContent).toContain('$268.00 – $352.00');
    expect(text(el, 'forecast-crossing')).toBe('likely Mar 30 · 80%: from Mar 27 · 95%: from Mar 24');
    expect(byTestId(el, 'forecast-insufficient')).toBeNull();
  });

  it('forecasts per provider and flags a series with too little history', async () => {
    const { fixture, el } = await render();
    const select = byTestId<HTMLSelectElement>(el, 'forecast-group-by') as HTMLSelectElement;
    select.value = 'provider';
    select.dispatchEvent(new Event('change'));
    const req = await nextRequest(get(`${WS_URL}/forecast`), 'by provider');
    expect(req.request.params.get('groupBy')).toBe('provider');
    req.flush(
      forecastFixture({
        groupBy: 'provider',
        series: [
          { key: 'openai', label: 'OpenAI', forecast: figuresFixture() },
          { key: 'groq', label: 'Groq', forecast: figuresFixture({ insufficientHistory: true, historyDays: 2, confidence: 'insufficient' }) },
        ],
      }),
    );
    await tick();
    fixture.detectChanges();
    await fixture.whenStable();
    expect(allByTestId(el, 'forecast-label').map((n) => n.textContent?.trim())).toEqual(['OpenAI', 'Groq']);
    expect(text(el, 'forecast-flag')).toBe('Only 2 days of history: the interval is wide on purpose.');
    allByTestId(el, 'forecast-row')[1]?.click();
    fixture.detectChanges();
    await fixture.whenStable();
    expect(text(el, 'forecast-chart-title')).toBe('Groq');
    expect(text(el, 'forecast-insufficient')).toContain('Only 2 days of history');
  });
});
