import { Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import {
  formatPercent,
  formatPosition,
  formatUptime,
} from '../health/health-format';
import { HealthService, describeHealthError } from '../health/health-service';

export interface ProjectionRow {
  name: string;
  activeVersion: number;
  checkpoint: string;
  lag: string;
  behind: boolean;
  /** Set while the active version's handler keeps failing. */
  lastError: string | null;
  rebuild: { version: number; percent: string; progress: number } | null;
}

@Component({
  selector: 'act-system-status-page',
  imports: [MatButtonModule, MatCardModule, MatProgressBarModule, MatTableModule],
  templateUrl: './system-status-page.html',
  styleUrl: './system-status-page.css',
})
export class SystemStatusPage {
  private readonly healthService = inject(HealthService);

  protected readonly health = rxResource({
    stream: () => this.healthService.get(),
  });

  protected readonly columns = [
    'name',
    'activeVersion',
    'checkpoint',
    'lag',
    'rebuild',
  ] as const;

  // value() throws while the resource is in error state, so read it only
  // behind hasValue().
  private readonly report = computed(() =>
    this.health.hasValue() ? this.health.value() : null,
  );

  protected readonly errorMessage = computed(() => {
    const error = this.health.error();
    return error ? describeHealthError(error) : null;
  });

  protected readonly summary = computed(() => {
    const report = this.report();
    if (!report) return null;
    return {
      status: report.status,
      version: report.version,
      uptime: formatUptime(report.uptimeSeconds),
      databaseDriver: report.database.driver,
      databaseOk: report.database.ok,
      storeOk: report.eventStore.ok,
      headPosition: report.eventStore.headPosition === null ? '—' : formatPosition(report.eventStore.headPosition),
    };
  });

  protected readonly projections = computed((): ProjectionRow[] =>
    (this.report()?.projections ?? []).map((projection) => ({
      name: projection.name,
      activeVersion: projection.activeVersion,
      checkpoint: formatPosition(projection.checkpoint),
      lag: formatPosition(projection.lag),
      behind: projection.lag !== '0',
      lastError: projection.lastError ?? null,
      rebuild: projection.rebuild
        ? {
            version: projection.rebuild.version,
            percent: formatPercent(projection.rebuild.progress),
            progress: Math.min(100, Math.max(0, projection.rebuild.progress * 100)),
          }
        : null,
    })),
  );

  protected retry(): void {
    this.health.reload();
  }
}
