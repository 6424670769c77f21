// `npm run migrate`: apply pending migrations (the App also does this at start-up) and exit.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '../platform/db/embedded-postgres.ts';
import { migrate } from '../platform/db/migrate.ts';
import { loadConfiguration } from './load-configuration.ts';

if (existsSync('.env')) process.loadEnvFile('.env');
const config = await loadConfiguration(process.env);
const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedPostgres({ dir: path.resolve(config.embeddedPostgres.dir) });
try {
  const applied = await migrate(config.databaseUrl ?? embedded!.url, (line) => console.log(line));
  console.log(applied.length > 0 ? `Applied ${applied.length}: ${applied.join(', ')}` : 'Nothing to apply.');
} finally {
  await embedded?.stop();
}
