// The chaos suite's own PostgreSQL (the embedded server in a throwaway directory), which it can
// stop and start again on the same port mid-load, as an operator's database failover would.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type RunningPostgres, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.ts';

export type RestartablePostgres = {
  /** Connection string of a database on this server. */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the server, waits `downMs`, starts it again on the same port with the same data. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
};

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chaos-pg-'));
  chmodSync(dir, 0o755);
  const start = (port?: number) =>
    startEmbeddedPostgres({ dir: path.join(dir, 'pg'), ephemeral: true, ...(port ? { port } : {}) });
  let server: RunningPostgres = await start();
  const port = server.port;
  const url = (database = 'postgres') => {
    const parsed = new URL(server.url);
    parsed.pathname = `/${database}`;
    return parsed.toString();
  };
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    async createDatabase(name) {
      await admin(`CREATE DATABASE ${name}`);
      return url(name);
    },
    async dropDatabase(name) {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
    async restart(downMs) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await start(port);
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
