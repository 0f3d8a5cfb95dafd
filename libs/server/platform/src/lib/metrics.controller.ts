import { Controller, Get, Header, Inject, OnModuleDestroy } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { ProjectionRunner } from '@act/server/projections';
import { Public } from './access';
import { PROJECTION_RUNNER } from './tokens';

/** Prometheus scrape endpoint at /metrics (outside /api/v1, as scrapers expect). */
@ApiExcludeController()
// Public for Prometheus scrapers: counters and gauges of the process, nothing about any workspace.
@Public()
@Controller('metrics')
export class MetricsController implements OnModuleDestroy {
  private readonly registry = new Registry();
  private readonly refresh: () => Promise<void>;

  constructor(@Inject(PROJECTION_RUNNER) runner: ProjectionRunner) {
    collectDefaultMetrics({ register: this.registry, prefix: 'act_' });
    const gauge = (name: string, help: string, labelNames: string[] = []) =>
      new Gauge({ name, help, labelNames, registers: [this.registry] });
    const head = gauge('act_event_store_head_position', 'Highest readable global position of the event log');
    const checkpoint = gauge('act_projection_checkpoint', 'Last global position applied, per projection version', ['projection', 'version', 'status']);
    const lag = gauge('act_projection_lag', 'Head position minus the active version checkpoint', ['projection']);
    const failing = gauge('act_projection_failing', '1 while the active version of a projection reports an error', ['projection']);
    // Read on scrape, so the figures are current and nothing polls between scrapes.
    this.refresh = async () => {
      const statuses = await runner.status();
      head.set(Number(statuses[0]?.head ?? 0n));
      checkpoint.reset();
      for (const s of statuses) {
        for (const v of [s.active, s.building]) {
          if (v) checkpoint.set({ projection: s.name, version: String(v.version), status: v.status }, Number(v.checkpoint));
        }
        lag.set({ projection: s.name }, Number(s.head - s.active.checkpoint));
        failing.set({ projection: s.name }, s.active.lastError ? 1 : 0);
      }
    };
  }

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
