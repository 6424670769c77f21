// `npm start`: configuration → Postgres (embedded unless DATABASE_URL) → migrations → queue →
// HTTP server. SIGINT/SIGTERM drain and exit 0.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../platform/db/embedded-postgres.ts';
import { createLogger } from '../platform/logging/create-logger.ts';
import { loadConfiguration } from './load-configuration.ts';
import { startApp } from './start-app.ts';

const { values: flags } = parseArgs({
  options: {
    'worker-only': { type: 'boolean', default: false },
    'http-only': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (existsSync('.env')) process.loadEnvFile('.env');
const config = await loadConfiguration(process.env);
const log = createLogger({ level: config.logLevel, format: config.logFormat });

let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
let databaseUrl = config.databaseUrl;
if (!databaseUrl) {
  const dir = path.resolve(config.embeddedPostgres.dir);
  embedded = await startEmbeddedPostgres({
    dir,
    port: config.embeddedPostgres.port,
    onLog: (line) => log.debug({ component: 'postgres' }, line),
  });
  databaseUrl = embedded.url;
  log.info(
    { dir, port: embedded.port },
    'embedded PostgreSQL started (set DATABASE_URL to use your own server)',
  );
  embedded.exited.then((code) => {
    if (!stopping) {
      log.fatal({ code }, 'embedded PostgreSQL exited unexpectedly');
      process.exit(1);
    }
  });
}

let stopping = false;
let app: Awaited<ReturnType<typeof startApp>>;
try {
  const role = flags['worker-only'] ? 'worker' : flags['http-only'] ? 'http' : 'all';
  app = await startApp({
    config,
    databaseUrl,
    log,
    role,
    // The queue worker died (e.g. the database was gone too long): exit 1 so the process is
    // restarted; its jobs are released to the other replicas meanwhile.
    onFatal: () => void shutdown('queue worker stopped', 1),
  });
} catch (error) {
  log.fatal({ err: error }, 'start-up failed');
  stopping = true;
  await embedded?.stop();
  process.exit(1);
}

async function shutdown(signal: string, exitCode = 0): Promise<void> {
  if (stopping) {
    log.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  log.info({ signal }, 'signal received');
  const deadline = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs + 10_000);
  deadline.unref();
  try {
    await app.stop();
    await embedded?.stop();
    process.exit(exitCode);
  } catch (error) {
    log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
// A library's stray rejection (e.g. a database connection cut mid-query) must not kill the
// process abruptly: log it and stop in order, exit 1; the jobs it held go back to the queue.
process.on('unhandledRejection', (reason) => {
  log.error({ err: reason }, 'unhandled rejection');
  if (!stopping) void shutdown('unhandled rejection', 1);
});
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
