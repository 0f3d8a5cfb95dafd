import { BadRequestException, CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { ProjectionRunner } from '@act/server/projections';
import { AppConfig } from './app-config';
import { APP_CONFIG, PROJECTION_RUNNER } from './tokens';

/**
 * Read-your-writes for every GET: `?waitFor=<position>` (the `position` a write answered)
 * holds the read until the read models have applied that position, at most
 * WAIT_FOR_TIMEOUT_MS; past that the answer is 503 with Retry-After, never stale data
 * presented as fresh.
 */
@Injectable()
export class WaitForInterceptor implements NestInterceptor {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const raw = request.query?.['waitFor'];
    if (request.method !== 'GET' || raw === undefined) return next.handle();
    if (typeof raw !== 'string' || !/^\d{1,19}$/.test(raw)) {
      throw new BadRequestException('waitFor must be an event-store position: a whole number, as returned by a write.');
    }
    const position = BigInt(raw);
    return from(this.runner.waitForPosition(position, this.config.WAIT_FOR_TIMEOUT_MS)).pipe(
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
}
