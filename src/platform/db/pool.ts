import pg from 'pg';
import type { Logger } from '../logging/create-logger.ts';

export type Db = pg.Pool;
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export function createPool(connectionString: string, log: Logger, max = 10): Db {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'agent-dispatch',
  });
  // An idle client loses its connection when Postgres restarts; without a listener the
  // error would crash the process. The next query gets a fresh connection.
  // Same for a client that is checked out: pg raises the error on its next query. Once the pool
  // is ending, connections closing under a stopping server are expected, not worth a warning.
  const lost = (error: Error) => {
    if (!pool.ending) log.warn({ err: error }, 'database connection lost');
  };
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  return pool;
}

export async function inTransaction<T>(pool: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Runs `work` while holding a session advisory lock on `key` (a separate connection), so work on
 * the same thing — across workers and replicas — happens one at a time.
 */
export async function withAdvisoryLock<T>(pool: Db, key: string, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 11))', [key]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 11))', [key]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
