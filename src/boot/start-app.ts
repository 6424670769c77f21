// Composition root: migrations, database pool, queue, Probot and the HTTP server, wired once per
// App process. Several of these can run against one Postgres (replicas), or in one test process.
import type { CronItem, TaskList } from 'graphile-worker';
import { reliabilityCron } from '../flows/reconcile/reconcile-jobs.ts';
import { scheduleCron } from '../flows/schedule/tick-schedules.ts';
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
   * `all` (default): HTTP server and queue workers. `worker`: workers only, no HTTP server (to
   * scale work out). `http`: HTTP server only (webhooks and the runner API), no workers.
   */
  role?: 'all' | 'worker' | 'http';
  /** Replace the job handlers (tests that inspect the queue without running it). */
  tasks?: (deps: { pool: Db; log: Logger }) => TaskList;
  cron?: CronItem[];
  /** The process cannot go on (its queue worker stopped on its own): exit and let it be restarted. */
  onFatal?: (error: unknown) => void;
};

export type RunningApp = {
  /** Base URL of the HTTP server (undefined in worker-only mode). */
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
    onUnexpectedStop: (error) => {
      log.fatal({ err: error }, 'the queue worker stopped on its own');
      options.onFatal?.(error);
    },
  });
}

function announce(options: StartAppOptions, url: string): void {
  const { config, log } = options;
  log.info({ url, mode: config.mode }, 'listening');
  if (config.mode !== 'setup') return;
  log.warn(
    { url },
    `No GitHub App credentials (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET) are configured. Open ${url} to register the App from app.yml; the credentials are written to .env. Then restart.`,
  );
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
    if (options.role !== 'worker')
      http = await startHttp({
        config,
        pool,
        log,
        databaseUrl: options.databaseUrl,
        githubStop: githubStop.signal,
        readiness,
        accepting: () => !shuttingDown,
      });
  } catch (error) {
    await worker?.stop().catch(() => {});
    await pool.end().catch(() => {});
    throw error;
  }
  if (http) announce(options, http.url);

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
