/** Test helpers: real PGlite and PostgreSQL databases for integration specs. */
export * from './testing/test-databases';
