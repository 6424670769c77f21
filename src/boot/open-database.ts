// The database of a process: DATABASE_URL, or the embedded server (started here, in the default
// directory or EMBEDDED_POSTGRES_DIR) when it is unset. Shared by `npm start`, `npm run migrate`
// and `npm run doctor`.
import path from 'node:path';
import type { AppConfig } from '../platform/config/read-config.ts';
import { DEFAULT_EMBEDDED_POSTGRES_DIR } from '../platform/config/read-config.ts';
import { type RunningPostgres, startEmbeddedPostgres } from '../platform/db/embedded-postgres.ts';
import type { Logger } from '../platform/logging/create-logger.ts';

export type OpenDatabase = { url: string; embedded: RunningPostgres | undefined };

export async function openDatabase(config: AppConfig, log: Logger): Promise<OpenDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: undefined };
  const requested = config.embeddedPostgres.dir;
  const embedded = await startEmbeddedPostgres({
    dir: path.resolve(requested),
    port: config.embeddedPostgres.port,
    // Only the default directory moves when the `postgres` user cannot reach it; a chosen one fails.
    relocate: requested === DEFAULT_EMBEDDED_POSTGRES_DIR,
    onLog: (line) => log.debug({ component: 'postgres' }, line),
  });
  log.info(
    {
      dir: embedded.dir,
      ...(embedded.linkedFrom && { linkedFrom: embedded.linkedFrom }),
      port: embedded.port,
    },
    embedded.linkedFrom
      ? 'embedded PostgreSQL started; its data is outside the project because the postgres user cannot reach it (set DATABASE_URL to use your own server)'
      : 'embedded PostgreSQL started (set DATABASE_URL to use your own server)',
  );
  return { url: embedded.url, embedded };
}
