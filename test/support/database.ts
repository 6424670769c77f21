// A fresh database per test file (or per test) on the shared test server, and the connections
// tests open themselves.
//
// Two rules keep database errors out of the test output:
// - Every pool and client a test opens has an 'error' listener (testPool, testClient). Without
//   one, a connection the server cuts is an uncaught exception; and pg-pool attaches the client
//   to the error (`err.client`), which Vitest prints in full — password included.
// - A database is dropped only once nothing is connected to it: `pool.end()` resolves before the
//   pool's connections are closed, and `DROP DATABASE … WITH (FORCE)` would cut those still
//   closing ("terminating connection due to administrator command").
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { testLogger } from './quiet-logger.ts';

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

/** How long drop() waits for the database's connections to close before it names them. */
const CLOSE_TIMEOUT_MS = 10_000;
const TEST_APPLICATION_NAME = 'agent-dispatch-test';

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export function adminDatabaseUrl(): string {
  return inject('adminDatabaseUrl');
}

/** A lost connection, without what pg attaches to it (the client, which holds the password). */
function lostConnection(error: Error & { code?: string }) {
  return { message: error.message, code: error.code };
}

/** A pool for a test's own queries (not the App's): it survives a connection the server cuts. */
export function testPool(connectionString: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ application_name: TEST_APPLICATION_NAME, ...options, connectionString });
  const log = testLogger();
  // pg-pool removes an idle client that failed; the next query gets a new connection.
  pool.on('error', (error) => {
    if (!pool.ending) log.warn({ err: lostConnection(error) }, 'test pool: connection lost');
  });
  return pool;
}

/** A connected client; a connection the server cuts fails its next query, not the process. */
export async function testClient(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ application_name: TEST_APPLICATION_NAME, connectionString });
  // An error while a query runs also rejects that query; otherwise the next query fails.
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await testClient(adminDatabaseUrl());
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

type Backend = { pid: number; application_name: string; state: string | null; query: string };

/** Connections of clients to the database (an autovacuum worker has no client to cut). */
async function backends(client: pg.Client, name: string): Promise<Backend[]> {
  const found = await client.query<Backend>(
    `SELECT pid, application_name, state, query FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    [name],
  );
  return found.rows;
}

/**
 * Drops a test database once every connection to it has closed (a pool's connections close a
 * moment after `end()` resolves). A connection still open after CLOSE_TIMEOUT_MS is a leak in the
 * test: the database is dropped anyway (FORCE), and the error names what was left open.
 */
export async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (client) => {
    const deadline = Date.now() + CLOSE_TIMEOUT_MS;
    let open = await backends(client, name);
    while (open.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      open = await backends(client, name);
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    if (open.length > 0) {
      throw new Error(
        `database ${name} still had ${open.length} connection(s) ${CLOSE_TIMEOUT_MS} ms after the test ` +
          `closed its own: ${JSON.stringify(open.map(({ application_name, state, query }) => ({ application_name, state, query })))}`,
      );
    }
  });
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = adminDatabaseUrl();
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(admin, name),
    name,
    drop: () => dropDatabase(name),
  };
}

/** A fresh database with the App's schema and the queue's schema, plus a pool on it. */
export async function createAppDatabase(): Promise<TestDatabase & { pool: pg.Pool; close(): Promise<void> }> {
  const { migrate } = await import('../../src/platform/db/migrate.ts');
  const { migrateQueue } = await import('../../src/queue/start-worker.ts');
  const db = await createTestDatabase();
  try {
    await migrate(db.url);
    const { createPool } = await import('../../src/platform/db/pool.ts');
    const pool = createPool(db.url, testLogger(), 20);
    try {
      await migrateQueue(pool, testLogger());
    } catch (error) {
      await pool.end();
      throw error;
    }
    return {
      ...db,
      pool,
      async close() {
        try {
          await pool.end();
        } finally {
          await db.drop();
        }
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}
