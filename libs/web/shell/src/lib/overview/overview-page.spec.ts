import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { healthFixture } from '../health/health-fixture.testing';
import { HEALTH_URL } from '../health/health-service';
import { OverviewPage } from './overview-page';

describe('OverviewPage', () => {
  let fixture: ComponentFixture<OverviewPage>;
  let http: HttpTestingController;
  let el: HTMLElement;

  const healthText = () =>
    el.querySelector('[data-testid="overview-health-text"]')?.textContent?.trim();

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [OverviewPage],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(OverviewPage);
    el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    await Promise.resolve();
  });

  afterEach(() => http.verify());

  it('welcomes without inventing numbers and links to the status page', async () => {
    http.expectOne(HEALTH_URL).flush(healthFixture());
    await fixture.whenStable();

    const welcome = el.querySelector('[data-testid="overview-welcome"]')?.textContent ?? '';
    expect(welcome).toContain('AI Cost Tracker');
    expect(welcome).not.toMatch(/\d/);
    expect(
      el.querySelector('[data-testid="overview-status-link"]')?.getAttribute('href'),
    ).toBe('/status');
  });

  it('reports a healthy server', async () => {
    expect(healthText()).toBe('Checking the server…');
    http.expectOne(HEALTH_URL).flush(healthFixture());
    await fixture.whenStable();
    expect(healthText()).toBe('Server is healthy');
  });

  it('reports an unreachable server', async () => {
    http.expectOne(HEALTH_URL).error(new ProgressEvent('error'), { status: 0 });
    await fixture.whenStable();
    expect(healthText()).toBe('Server is unreachable');
  });
});
