import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, ValidationError } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemDetails } from '@act/contracts';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import { EventIdConflictError, InvalidEventError, WrongExpectedRevisionError } from '@act/server/event-store';
import { UnknownProjectionError } from '@act/server/projections';

const DOMAIN_RULE_STATUS: Record<DomainRuleViolation['kind'], [number, string]> = {
  conflict: [409, 'Conflict'],
  forbidden: [403, 'Forbidden'],
  'not-found': [404, 'Not found'],
  invalid: [422, 'Rule violated'],
};

/** The prefix of every problem `type` URI. */
export const PROBLEM_TYPE_BASE = 'https://ai-cost-tracker.dev/problems/';

/** Thrown by the validation pipe: carries one entry per invalid field. */
export class RequestValidationError extends BadRequestException {
  constructor(readonly errors: { path: string; message: string }[]) {
    super('The request is not valid.');
  }
}

/** ValidationPipe's exceptionFactory: flattens class-validator's tree into `{path, message}` pairs. */
export function validationErrorFactory(errors: ValidationError[]): RequestValidationError {
  const flat: { path: string; message: string }[] = [];
  const walk = (error: ValidationError, parent: string) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) flat.push({ path, message });
    for (const child of error.children ?? []) walk(child, path);
  };
  for (const error of errors) walk(error, '');
  return new RequestValidationError(flat);
}

/**
 * Every error leaves as RFC 9457 problem+json. Known errors map to the status a client can act
 * on; anything unexpected becomes a 500 whose body says nothing about internals (the log has
 * the stack).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception);
    problem.instance = request.originalUrl?.split('?')[0];
    if (problem.status >= 500) {
      this.logger.error(`${request.method} ${problem.instance}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    if (response.headersSent) return;
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof RequestValidationError) {
      return { ...problem(400, 'validation-failed', 'Invalid request', 'Some fields are not valid.'), errors: exception.errors };
    }
    if (exception instanceof WrongExpectedRevisionError) return problem(409, 'concurrency-conflict', 'Conflict', exception.message);
    if (exception instanceof EventIdConflictError) return problem(409, 'event-id-conflict', 'Conflict', exception.message);
    if (exception instanceof InvalidEventError) return problem(422, 'invalid-event', 'Unprocessable event', exception.message);
    if (exception instanceof UnknownProjectionError) return problem(404, 'not-found', 'Not found', exception.message);
    if (exception instanceof DomainRuleViolation) {
      const [status, title] = DOMAIN_RULE_STATUS[exception.kind];
      return problem(status, exception.code, title, exception.message);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      return problem(status, slug(HttpStatus[status] ?? 'error'), titleOf(status), Array.isArray(detail) ? detail.join('; ') : String(detail));
    }
    if (isBodyParserError(exception)) {
      const status = exception.status ?? 400;
      const detail = status === 413 ? 'The request body is too large.' : 'The request body is not valid JSON.';
      return problem(status, status === 413 ? 'payload-too-large' : 'malformed-body', titleOf(status), detail);
    }
    return problem(500, 'internal-error', 'Internal Server Error', 'Something went wrong on our side. It has been logged.');
  }
}

function problem(status: number, type: string, title: string, detail?: string): ProblemDetails {
  return { type: `${PROBLEM_TYPE_BASE}${type}`, title, status, detail };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

function titleOf(status: number): string {
  const name = HttpStatus[status];
  return name ? name.toLowerCase().replace(/(^|_)(\w)/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase()) : 'Error';
}

function isBodyParserError(error: unknown): error is { status?: number; type: string } {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && ['entity.parse.failed', 'entity.too.large', 'encoding.unsupported', 'request.aborted'].includes(type);
}
