import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { CostStatus } from '@act/contracts';
import { COST_STATUS_ORDER } from './cost-status';
import { CostStatusChip } from './cost-status-chip';
import { CostStatusLegend } from './cost-status-legend';

@Component({
  imports: [CostStatusChip],
  template: `<act-cost-status-chip [status]="status()" [count]="count()" [label]="label()" />`,
})
class Host {
  readonly status = signal<CostStatus>('unpriced');
  readonly count = signal<number | null>(null);
  readonly label = signal<string | null>(null);
}

describe('CostStatusChip', () => {
  async function render() {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const chip = () => fixture.nativeElement.querySelector('act-cost-status-chip') as HTMLElement;
    const pill = () => chip().querySelector('.chip') as HTMLElement;
    return { fixture, chip, pill };
  }

  it('names the status, exposes it for tests and colours it by status', async () => {
    const { fixture, chip, pill } = await render();
    expect(chip().dataset['status']).toBe('unpriced');
    expect(pill().textContent?.trim()).toBe('Unpriced');
    expect(pill().classList).toContain('status-unpriced');

    fixture.componentInstance.status.set('pending');
    await fixture.whenStable();
    expect(pill().classList).toContain('status-pending');
    expect(pill().classList).not.toContain('status-unpriced');
  });

  it('counts, and explains the count in its accessible name', async () => {
    const { fixture, chip, pill } = await render();
    fixture.componentInstance.count.set(3);
    await fixture.whenStable();
    expect(pill().textContent?.trim()).toBe('3 unpriced');
    expect(chip().dataset['count']).toBe('3');
    expect(pill().getAttribute('aria-label')).toMatch(/3 usage rows are unpriced\. No known price .* not counted as \$0/i);
  });

  it('can show an amount instead of the name, still coloured by status', async () => {
    const { fixture, pill } = await render();
    fixture.componentInstance.status.set('reconciled');
    fixture.componentInstance.label.set('$1.23');
    await fixture.whenStable();
    expect(pill().textContent?.trim()).toBe('$1.23');
    expect(pill().classList).toContain('status-reconciled');
    expect(pill().getAttribute('aria-label')).toMatch(/^\$1\.23\. Reconciled: /);
  });

  it('has a legend entry with a distinct class for every status', async () => {
    const fixture = TestBed.createComponent(CostStatusLegend);
    await fixture.whenStable();
    const pills = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('.chip'));
    expect(pills.map((pill) => pill.textContent?.trim())).toEqual(['Estimated', 'Reconciled', 'Manual', 'Unpriced', 'Pending']);
    const classes = pills.map((pill) => Array.from(pill.classList).find((c) => c.startsWith('status-')));
    expect(new Set(classes).size).toBe(COST_STATUS_ORDER.length);
  });
});
