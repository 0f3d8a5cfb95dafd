import { BadRequestException, CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { ProjectionRunner } from '@act/server/projections';
import { AppConfig } from './app-config';
import { APP_CONFIG, PROJECTION_RUNNER } from './tokens';

/**
 * Read-your-writes for every GET: `?waitFor=<position>` (the `position` a write answered)
 * holds the read until the read models have applied that position, at most
 * WAIT_FOR_TIMEOUT_MS; past that the answer is 503 with Retry-After, never stale data
 * presented as fresh. A position no write has produced yet (beyond the log's head) is a 400 at
 * once rather than a wait that can only end in 503.
 */
@Injectable()
export class WaitForInterceptor implements NestInterceptor {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const raw = request.query?.['waitFor'];
    if (request.method !== 'GET' || raw === undefined) return next.handle();
    if (typeof raw !== 'string' || !/^\d{1,19}$/.test(raw)) {
      throw new BadRequestException('waitFor must be an event-store position: a whole number, as returned by a write.');
    }
    const position = BigInt(raw);
    return from(this.waitFor(position)).pipe(
      switchMap((caughtUp) => {
        if (!caughtUp) {
          context.switchToHttp().getResponse<Response>().setHeader('Retry-After', '1');
          throw new ServiceUnavailableException(
            `Read models have not reached position ${position} within ${this.config.WAIT_FOR_TIMEOUT_MS} ms. Retry shortly.`,
          );
        }
        return next.handle();
      }),
    );
  }

  private async waitFor(position: bigint): Promise<boolean> {
    const head = await this.store.headPosition();
    if (position > head) {
      throw new BadRequestException(`waitFor ${position} is beyond the newest event (${head}): pass the position a write returned.`);
    }
    return this.runner.waitForPosition(position, this.config.WAIT_FOR_TIMEOUT_MS);
  }
}
