// A fresh database per test file (or per test) on the shared test server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export function adminDatabaseUrl(): string {
  return inject('adminDatabaseUrl');
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = adminDatabaseUrl();
  const name = `test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return {
    url: withDatabase(admin, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A fresh database with the App's schema and the queue's schema, plus a pool on it. */
export async function createAppDatabase(): Promise<TestDatabase & { pool: pg.Pool; close(): Promise<void> }> {
  const { migrate } = await import('../../src/platform/db/migrate.ts');
  const { migrateQueue } = await import('../../src/queue/start-worker.ts');
  const { testLogger } = await import('./quiet-logger.ts');
  const db = await createTestDatabase();
  await migrate(db.url);
  const { createPool } = await import('../../src/platform/db/pool.ts');
  const pool = createPool(db.url, testLogger(), 20);
  await migrateQueue(pool, testLogger());
  return {
    ...db,
    pool,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}
