// The App's connection pool on Postgres. Statements live in src/store.
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
