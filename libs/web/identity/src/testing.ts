/** Helpers for the web libraries' component tests: `@act/web/identity/testing`. Never import it from application code. */
export * from './lib/testing/web-test-kit.testing';
