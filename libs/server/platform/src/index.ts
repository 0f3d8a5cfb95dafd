/**
 * The api's platform: configuration, database and ORM wiring, event store and projection
 * runner lifecycle, and the HTTP conventions every endpoint shares (problem+json errors,
 * validation, `?waitFor=`, health, metrics, OpenAPI, static web app).
 */
export * from './lib/app-config';
export * from './lib/platform.module';
export * from './lib/http-app';
export * from './lib/problem-details.filter';
export * from './lib/tokens';
export * from './lib/access';
