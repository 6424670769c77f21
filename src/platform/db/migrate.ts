// Schema migrations: plain SQL files in migrations/, applied in order by node-pg-migrate,
// each in its own transaction, recorded in `pgmigrations`. Several replicas starting at once
// serialise on node-pg-migrate's advisory lock (wait mode): the first applies, the rest find
// nothing to do.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);
export const MIGRATIONS_TABLE = 'pgmigrations';

type Log = (message: string) => void;

export async function migrate(databaseUrl: string, log: Log = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: 'wait',
    log,
    logger: { debug: () => {}, info: log, warn: log, error: log },
  });
  return applied.map((migration) => migration.name);
}

export function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.replace(/\.sql$/, ''))
    .sort();
}
