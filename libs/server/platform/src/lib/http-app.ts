import { INestApplication, Logger, RequestMethod } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from './app-config';
import { APP_VERSION } from './health.controller';
import { answerMalformedRequestsWithProblems } from './malformed-requests';
import { deferDashboardReads } from './read-priority';
import { refuseUnstorableText } from './storable-text';

export const API_PREFIX = 'api/v1';

/**
 * HTTP settings shared by main.ts and the tests that boot the real app: the /api/v1 prefix
 * (with /metrics at the root), body limits, OpenAPI at /api/docs, and the web app served as
 * static files with a fallback to index.html for client-side routes.
 */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useBodyParser('json', { limit: '5mb' });
  app.use(refuseUnstorableText);
  app.use(deferDashboardReads);
  app.disable('x-powered-by');
  if (config.TRUST_PROXY) app.set('trust proxy', trustProxyValue(config.TRUST_PROXY));
  app.use(helmet({ contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY } }));
  // The refresh-token cookie is the only cookie; no CORS is enabled, so the API answers its own origin only.
  app.use(cookieParser());
  app.enableShutdownHooks();
  answerMalformedRequestsWithProblems(app.getHttpServer());
  setUpOpenApi(app);
  serveWebApp(app, config.WEB_DIST_DIR);
}

/**
 * Helmet's defaults plus what the web app needs: Angular Material sets inline styles. No inline
 * script at all (the web build turns off critical-CSS inlining, whose loader is an inline handler).
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
};

function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('AI Cost Tracker API')
      .setDescription(
        'Errors are application/problem+json (RFC 9457). Money is a decimal string with a currency. ' +
          'Writes answer with the event-store `position` they produced; `?waitFor=<position>` on a read waits until read models include it.',
      )
      .setVersion(APP_VERSION)
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

function serveWebApp(app: NestExpressApplication, webDistDir: string): void {
  const root = resolve(webDistDir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    new Logger('Web').warn(`No web build at ${root}: the API runs without the dashboard (build it with "npm run build").`);
    return;
  }
  // Hashed bundles may be cached forever; index.html must not be, or users keep old bundles.
  app.useStaticAssets(root, {
    index: false,
    setHeaders: (res, path) => res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
  const express = app.getHttpAdapter().getInstance();
  express.get(/^(?!\/api(\/|$)|\/metrics$).*/, (req: Request, res: Response, next: NextFunction) => {
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
