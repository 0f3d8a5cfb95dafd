// Jest global setup for node projects: finds the PostgreSQL server integration specs use.
// TEST_DATABASE_URL (or DATABASE_URL) names it; otherwise the local default server is tried.
// Specs create a throw-away database per file on it (see @act/server/database/testing).
// The result travels to test workers through the environment, which they inherit.
const pg = require('pg');

module.exports = async function probePostgres() {
  if (process.env.ACT_TEST_POSTGRES_URL || process.env.ACT_TEST_POSTGRES_SKIP) return;
  const url =
    process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    process.env.ACT_TEST_POSTGRES_URL = url;
  } catch (error) {
    const reason = `PostgreSQL not reachable at ${redact(url)} (${error.message})`;
    if (process.env.REQUIRE_POSTGRES === '1') {
      throw new Error(`${reason}; REQUIRE_POSTGRES=1 makes that a failure`);
    }
    process.env.ACT_TEST_POSTGRES_SKIP = reason;
  } finally {
    await client.end().catch(() => undefined);
  }
};

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
