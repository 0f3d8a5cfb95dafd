import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * A NUL character, or half of a UTF-16 surrogate pair. PostgreSQL stores neither (text and jsonb
 * refuse NUL; a lone surrogate is not valid UTF-8), so such input would fail deep inside a write
 * as a 500, possibly after other statements ran. It is refused once, at the edge, instead.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_DEPTH = 64;

/**
 * Where `value` (a parsed JSON body, a query object, a string) holds text PostgreSQL cannot
 * store, as a path like `body.tags[2]` or `query.model`; keys count as text too. Null when clean.
 */
export function findUnstorableText(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (UNSTORABLE.test(key)) return `${path} (a field name)`;
    const found = findUnstorableText(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Express middleware (after the body parser): 400 problem+json for text that cannot be stored. */
export function refuseUnstorableText(request: Request, _response: Response, next: NextFunction): void {
  const found = findUnstorableText(request.body, 'body') ?? findUnstorableText(request.query, 'query') ?? findInPath(request.path);
  if (!found) return next();
  next(
    new BadRequestException(
      `${found} holds text that cannot be stored: a NUL character or an unpaired UTF-16 surrogate. Send valid Unicode text without NUL characters.`,
    ),
  );
}

function findInPath(path: string): string | null {
  try {
    return UNSTORABLE.test(decodeURIComponent(path)) ? 'the URL path' : null;
  } catch {
    // Malformed percent-encoding: the router answers that with its own 400.
    return null;
  }
}
