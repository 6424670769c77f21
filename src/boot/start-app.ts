// Composition root: migrations, database pool, queue, Probot and the HTTP server, wired once per
// App process. Several of these can run against one Postgres (replicas), or in one test process.
import type { CronItem, TaskList } from 'graphile-worker';
import { reachableByGitHub, webhookUrl } from '../core/setup/app-manifest.ts';
import { reliabilityCron } from '../flows/reconcile/reconcile-jobs.ts';
import { scheduleCron } from '../flows/schedule/tick-schedules.ts';
import type { Registration } from '../flows/setup/register-app.ts';
import type { AppConfig } from '../platform/config/read-config.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createPool, type Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { migrateQueue, startWorker, type WorkerHandle } from '../queue/start-worker.ts';
import { checkReadiness, type Readiness } from '../web/readiness.ts';
import { composeJobs } from './compose-jobs.ts';
import { closeHttp, type HttpParts, startHttp } from './http-app.ts';

export type StartAppOptions = {
  config: AppConfig;
  databaseUrl: string;
  log: Logger;
  /**
   * `all` (default): HTTP server and queue workers. `worker`: workers, and an HTTP server that
   * answers only /healthz and /readyz (for probes; to scale work out). `http`: HTTP server only
   * (webhooks and the runner API), no workers.
   */
  role?: 'all' | 'worker' | 'http';
  /** Replace the job handlers (tests that inspect the queue without running it). */
  tasks?: (deps: { pool: Db; log: Logger }) => TaskList;
  cron?: CronItem[];
  /** Setup mode: the App was registered through the manifest flow and its credentials saved. */
  onRegistered?: (registration: Registration) => void;
};

export type RunningApp = {
  /** Base URL of the HTTP server (in worker-only mode it serves only the health checks). */
  url: string | undefined;
  pool: Db;
  readiness(): Promise<Readiness>;
  stop(): Promise<void>;
};

/**
 * A job can hold three connections at once (an advisory lock for its task, the once-only
 * ledger's lock, and a query or a write-pacing reservation meanwhile); with fewer, jobs waiting
 * on GitHub would starve each other and the webhook route of connections.
 */
function poolSize(config: AppConfig): number {
  return config.workerConcurrency * 3 + 10;
}

async function migrateDatabase(options: StartAppOptions): Promise<void> {
  const { log } = options;
  const applied = await migrate(options.databaseUrl, (message) =>
    log.debug({ component: 'migrate' }, message),
  );
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
}

async function jobsFor(options: StartAppOptions, pool: Db, githubStop: AbortSignal): Promise<TaskList> {
  const { config, log } = options;
  if (options.tasks) return options.tasks({ pool, log });
  if (!config.github) return {};
  return composeJobs(config, config.github, pool, log, githubStop);
}

async function startQueue(options: StartAppOptions, pool: Db, tasks: TaskList): Promise<WorkerHandle> {
  const { config, log } = options;
  const reconcilers = config.github && !options.tasks ? [...reliabilityCron(), ...scheduleCron()] : [];
  return startWorker({
    pool,
    log,
    concurrency: config.workerConcurrency,
    tasks,
    cron: [...reconcilers, ...(options.cron ?? [])],
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    staleAfterMs: config.reliability.workerStaleAfterMs,
  });
}

function announce(options: StartAppOptions, url: string): void {
  const { config, log } = options;
  if (config.mode !== 'setup') {
    log.info({ url, webhook: webhookUrl(config) }, 'listening');
    return;
  }
  const fields = { url, webhook: webhookUrl(config) };
  log.info(fields, `setup mode (no GitHub App credentials): open ${config.publicUrl} to register the App`);
  if (!reachableByGitHub(config.publicUrl)) {
    log.warn(
      fields,
      'GitHub cannot deliver webhooks to this PUBLIC_URL: set PUBLIC_URL to a public HTTPS URL that reaches this server before registering (docs/install.md)',
    );
  }
}

export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const { config, log } = options;
  await migrateDatabase(options);
  const pool = createPool(options.databaseUrl, log, poolSize(config));
  let worker: WorkerHandle | undefined;
  let http: HttpParts | undefined;
  let shuttingDown = false;
  // Aborted once in-flight jobs had their time at shutdown: no GitHub request is sent after that.
  const githubStop = new AbortController();
  const readiness = () =>
    checkReadiness({
      pool,
      queueRunning: () => (options.role === 'http' ? undefined : (worker?.isRunning() ?? false)),
      shuttingDown: () => shuttingDown,
    });
  try {
    await migrateQueue(pool, log);
    const tasks = await jobsFor(options, pool, githubStop.signal);
    if (options.role !== 'http') worker = await startQueue(options, pool, tasks);
    http = await startHttp({
      config,
      pool,
      log,
      databaseUrl: options.databaseUrl,
      githubStop: githubStop.signal,
      readiness,
      accepting: () => !shuttingDown,
      healthOnly: options.role === 'worker',
      ...(options.onRegistered && { onRegistered: options.onRegistered }),
    });
  } catch (error) {
    await worker?.stop().catch(() => {});
    await pool.end().catch(() => {});
    throw error;
  }
  if (options.role === 'worker') log.info({ url: http.url }, 'listening for health checks only (worker)');
  else announce(options, http.url);

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    shuttingDown = true;
    log.info('shutting down: refusing new webhooks, draining the queue');
    const abortGitHub = setTimeout(() => githubStop.abort(), config.shutdownTimeoutMs);
    abortGitHub.unref();
    const drain = async () => {
      await worker?.stop();
    };
    if (http) await closeHttp(http, drain);
    else await drain();
    githubStop.abort();
    clearTimeout(abortGitHub);
    await pool.end();
    log.info('stopped');
  }
  return {
    url: http?.url,
    pool,
    readiness,
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
