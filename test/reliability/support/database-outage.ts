// A database outage for one test database, on the shared test server: new connections are
// refused and existing ones are cut, as when Postgres is down; then it comes back.
import type pg from 'pg';
import { adminDatabaseUrl, testClient } from '../../support/database.ts';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await testClient(adminDatabaseUrl());
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function takeDatabaseDown(name: string): Promise<void> {
  await admin(async (client) => {
    await client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  });
}

export async function bringDatabaseBack(name: string): Promise<void> {
  await admin((client) => client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`));
}
