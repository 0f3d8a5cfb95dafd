import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { healthFixture } from '../health/health-fixture.testing';
import { HEALTH_URL } from '../health/health-service';
import { SystemStatusPage } from './system-status-page';

describe('SystemStatusPage', () => {
  let fixture: ComponentFixture<SystemStatusPage>;
  let http: HttpTestingController;
  let el: HTMLElement;

  const byTestId = (id: string) => el.querySelector(`[data-testid="${id}"]`);
  const text = (id: string) => byTestId(id)?.textContent?.replace(/\s+/g, ' ').trim();

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [SystemStatusPage],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(SystemStatusPage);
    el = fixture.nativeElement as HTMLElement;
    // Let the resource issue its request.
    fixture.detectChanges();
    await Promise.resolve();
  });

  afterEach(() => http.verify());

  it('shows a loading indicator until the report arrives', async () => {
    // Not whenStable(): the pending request keeps the app unstable by design.
    fixture.detectChanges();
    expect(el.querySelector('mat-progress-bar[mode="indeterminate"]')).not.toBeNull();
    expect(byTestId('health-status')).toBeNull();
    http.expectOne(HEALTH_URL).flush(healthFixture());
  });

  it('renders the health report', async () => {
    http.expectOne(HEALTH_URL).flush(healthFixture());
    await fixture.whenStable();

    expect(text('health-status')).toBe('ok');
    expect(text('health-version')).toBe('0.1.0-test');
    expect(text('health-uptime')).toBe('1 h 2 min');
    expect(text('health-database')).toBe('pglite ok');
    expect(text('health-head')).toBe('9,007,199,254,740,993');
    expect(byTestId('health-error')).toBeNull();

    const table = byTestId('projections-table');
    expect(table).not.toBeNull();
    const rows = Array.from(el.querySelectorAll('[data-testid="projection-row"]')).map(
      (row) =>
        Array.from(row.querySelectorAll('td')).map((cell) =>
          cell.textContent?.replace(/\s+/g, ' ').trim(),
        ),
    );
    expect(rows).toEqual([
      ['usage-daily', '2', '9,007,199,254,740,990', '3', 'v3 · 50 %'],
      ['accounts', '1', '9,007,199,254,740,993', '0', '—'],
    ]);
  });

  it('says so when no projection is registered', async () => {
    http.expectOne(HEALTH_URL).flush({ ...healthFixture(), projections: [] });
    await fixture.whenStable();

    expect(text('projections-table')).toContain('No projections registered.');
  });

  it('shows why a projection is stuck', async () => {
    const report = healthFixture();
    report.status = 'degraded';
    report.projections[1].lastError = 'handler threw: division by zero';
    http.expectOne(HEALTH_URL).flush(report);
    await fixture.whenStable();

    const errors = Array.from(el.querySelectorAll('[data-testid="projection-error"]'));
    expect(errors.map((e) => e.textContent?.trim())).toEqual([
      'Stuck: handler threw: division by zero',
    ]);
  });

  it('shows a degraded database', async () => {
    http.expectOne(HEALTH_URL).flush(
      {
        ...healthFixture(),
        status: 'degraded',
        database: { driver: 'postgresql', ok: false },
      },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await fixture.whenStable();

    expect(text('health-status')).toBe('degraded');
    expect(text('health-database')).toBe('postgresql failing');
  });

  it('shows an event store that does not answer, apart from the database', async () => {
    http.expectOne(HEALTH_URL).flush({ ...healthFixture(), status: 'degraded', eventStore: { ok: false, headPosition: null } });
    await fixture.whenStable();

    expect(text('health-status')).toBe('degraded');
    expect(text('health-database')).toBe('pglite ok');
    expect(text('health-head')).toBe('— not answering');
  });

  it('explains an unreachable API and retries on demand', async () => {
    http.expectOne(HEALTH_URL).error(new ProgressEvent('error'), { status: 0 });
    await fixture.whenStable();

    expect(byTestId('health-error')).not.toBeNull();
    expect(text('health-error-message')).toMatch(/could not be reached/);
    expect(byTestId('projections-table')).toBeNull();

    (byTestId('health-retry') as HTMLButtonElement).click();
    fixture.detectChanges();
    await Promise.resolve();
    http.expectOne(HEALTH_URL).flush(healthFixture());
    await fixture.whenStable();

    expect(byTestId('health-error')).toBeNull();
    expect(text('health-status')).toBe('ok');
  });
});
