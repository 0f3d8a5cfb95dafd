const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Account and ingest-key ids are `randomUUID()`s. Path parameters that are not one name nothing, and are
 * answered 404 before they reach the database (PostgreSQL refuses a NUL byte in text: a 500 otherwise).
 */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}
