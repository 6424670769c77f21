// `npm start`: configuration → Postgres (embedded unless DATABASE_URL) → migrations → queue →
// HTTP server. SIGINT/SIGTERM drain and exit 0. A start-up failure is one message with the fix.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SETUP_PATHS } from '../core/setup/app-manifest.ts';
import type { Registration } from '../flows/setup/register-app.ts';
import { createLogger } from '../platform/logging/create-logger.ts';
import { loadConfiguration } from './load-configuration.ts';
import { type OpenDatabase, openDatabase } from './open-database.ts';
import { type RunningApp, startApp } from './start-app.ts';
import { reportStartupFailure } from './startup-failure.ts';

const { values: flags } = parseArgs({
  options: {
    'worker-only': { type: 'boolean', default: false },
    'http-only': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (existsSync('.env')) process.loadEnvFile('.env');
let config = await loadConfiguration(process.env);
const log = createLogger({ level: config.logLevel, format: config.logFormat });

let stopping = false;
let database: OpenDatabase | undefined;
let app: RunningApp | undefined;
/** Setup mode → the App, once registered: the setup server gives way to the App in this process. */
let switching: Promise<void> | undefined;
const role = flags['worker-only'] ? 'worker' : flags['http-only'] ? 'http' : 'all';

function start(databaseUrl: string): Promise<RunningApp> {
  return startApp({
    config,
    databaseUrl,
    log,
    role,
    onRegistered: (registration) => {
      switching ??= continueAsApp(databaseUrl, registration).catch((error: unknown) => {
        process.exitCode = reportStartupFailure(error, { host: config.host, port: config.port }, log);
        void shutdown('start-up failed', process.exitCode);
      });
    },
  });
}

async function continueAsApp(databaseUrl: string, registration: Registration): Promise<void> {
  log.info(
    { appId: registration.appId, slug: registration.slug },
    'GitHub App registered; its credentials are saved in .env; starting as the App',
  );
  await app?.stop();
  app = undefined;
  Object.assign(process.env, registration.env);
  config = await loadConfiguration(process.env);
  if (stopping) return;
  app = await start(databaseUrl);
  log.info(
    {
      install: `${registration.htmlUrl}/installations/new`,
      nextSteps: `${config.publicUrl}${SETUP_PATHS.installed}`,
    },
    'next: install the App on a repository (the browser is on that page), then follow the next steps',
  );
}

try {
  database = await openDatabase(config, log);
  database.embedded?.exited.then((code) => {
    if (!stopping) {
      log.fatal({ code }, 'embedded PostgreSQL exited unexpectedly');
      process.exit(1);
    }
  });
  app = await start(database.url);
} catch (error) {
  stopping = true;
  const context = { databaseUrl: config.databaseUrl, host: config.host, port: config.port };
  const exitCode = reportStartupFailure(error, context, log);
  await database?.embedded?.stop();
  process.exit(exitCode);
}

/**
 * Under `npm start` one Ctrl-C or `kill -TERM -<group>` arrives twice: from the terminal or the
 * sender, and again from npm, which forwards signals to its script. A repeat within this window is
 * that echo; a signal after it is a person insisting, and ends the process at once.
 */
const SIGNAL_ECHO_MS = 1_000;
let firstSignalAt = 0;

async function shutdown(signal: string, exitCode = 0): Promise<void> {
  if (stopping) {
    if (Date.now() - firstSignalAt < SIGNAL_ECHO_MS) return;
    log.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  firstSignalAt = Date.now();
  log.info({ signal }, 'signal received');
  const deadline = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs + 10_000);
  deadline.unref();
  try {
    await switching;
    await app?.stop();
    await database?.embedded?.stop();
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
