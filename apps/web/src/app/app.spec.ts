import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { App } from './app';
import { appRoutes } from './app.routes';

describe('App', () => {
  beforeEach(async () => {
    await TestBed.configureTestingModule({
      imports: [App],
      providers: [
        provideRouter(appRoutes),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    }).compileComponents();
  });

  it('renders the shell with the product name', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const title = (fixture.nativeElement as HTMLElement).querySelector(
      '[data-testid="shell-title"]',
    );
    expect(title?.textContent?.trim()).toBe('AI Cost Tracker');
  });

  it('routes every navigation entry', () => {
    const paths = appRoutes.map((route) => route.path);
    expect(paths).toEqual(
      expect.arrayContaining(['', 'usage', 'status', 'settings', '**']),
    );
  });
});
