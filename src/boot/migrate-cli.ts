// `npm run migrate`: apply pending migrations (the App also does this at start-up) and exit.
import { existsSync } from 'node:fs';
import { migrate } from '../platform/db/migrate.ts';
import { createLogger } from '../platform/logging/create-logger.ts';
import { loadConfiguration } from './load-configuration.ts';
import { type OpenDatabase, openDatabase } from './open-database.ts';
import { reportStartupFailure } from './startup-failure.ts';

if (existsSync('.env')) process.loadEnvFile('.env');
const config = await loadConfiguration(process.env);
const log = createLogger({ level: config.logLevel, format: config.logFormat });
let database: OpenDatabase | undefined;
try {
  database = await openDatabase(config, log);
  const applied = await migrate(database.url, (line) => log.debug({ component: 'migrate' }, line));
  console.log(applied.length > 0 ? `Applied ${applied.length}: ${applied.join(', ')}` : 'Nothing to apply.');
} catch (error) {
  process.exitCode = reportStartupFailure(error, { databaseUrl: config.databaseUrl }, log);
} finally {
  await database?.embedded?.stop();
}
