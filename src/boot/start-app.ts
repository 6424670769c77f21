// Composition root: migrations, database pool, queue, Probot and the HTTP server, wired once per
// App process. Several of these can run against one Postgres (replicas), or in one test process.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { CronItem, TaskList } from 'graphile-worker';
import { Hono } from 'hono';
import { Probot } from 'probot';
import type { AppDeps } from '../flows/app-deps.ts';
import { mountWebhookRoute } from '../flows/ingest/webhook-route.ts';
import { reliabilityCron } from '../flows/reconcile/reconcile-jobs.ts';
import { mountRunnerRoutes } from '../flows/run/runner-routes.ts';
import { createOidcVerifier } from '../flows/run/verify-oidc.ts';
import { createGitHubClients } from '../github/octokit.ts';
import type { AppConfig } from '../platform/config/read-config.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createPool, type Db } from '../platform/db/pool.ts';
import { checkReadiness, type Readiness } from '../platform/http/readiness.ts';
import { mountSetupProxy, type SetupServer, startProbotSetup } from '../platform/http/setup-proxy.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { deferWhenPaced } from '../queue/defer-paced.ts';
import { appTasks } from '../queue/job-table.ts';
import { migrateQueue, startWorker, type WorkerHandle } from '../queue/start-worker.ts';
import { agentDispatchApp } from './webhook-handlers.ts';

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

async function listen(app: Hono, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(server as Server));
    server.once('error', reject);
  });
}

export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const { config, log } = options;
  const applied = await migrate(options.databaseUrl, (message) =>
    log.debug({ component: 'migrate' }, message),
  );
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');

  // A job can hold three connections at once (an advisory lock for its task, the once-only
  // ledger's lock, and a query or a write-pacing reservation meanwhile); with fewer, jobs waiting
  // on GitHub would starve each other and the webhook route of connections.
  const pool = createPool(options.databaseUrl, log, config.workerConcurrency * 3 + 10);
  let worker: WorkerHandle | undefined;
  let setup: SetupServer | undefined;
  let server: Server | undefined;
  let shuttingDown = false;
  // Aborted once in-flight jobs had their time at shutdown: no GitHub request is sent after that.
  const githubStop = new AbortController();
  const sources = {
    pool,
    queueRunning: () => (options.role === 'http' ? undefined : (worker?.isRunning() ?? false)),
    shuttingDown: () => shuttingDown,
  };
  try {
    await migrateQueue(pool, log);
    let tasks: TaskList = {};
    if (options.tasks) tasks = options.tasks({ pool, log });
    else if (config.github) {
      const github = createGitHubClients(
        {
          appId: config.github.appId,
          privateKey: config.github.privateKey,
          baseUrl: config.githubApiUrl,
          writeIntervalMs: config.githubWriteIntervalMs,
          notifyIntervalMs: config.githubNotifyIntervalMs,
        },
        log,
        { pool, limits: config.reliability.githubWrites, signal: githubStop.signal },
      );
      const deps: AppDeps = { pool, log, config, github };
      const probot = new Probot({
        appId: config.github.appId,
        privateKey: config.github.privateKey,
        secret: config.github.webhookSecret,
        baseUrl: config.githubApiUrl,
        log: log.child({ component: 'probot' }) as never,
      });
      await probot.load(agentDispatchApp(deps));
      tasks = deferWhenPaced(pool, log, appTasks(deps, probot));
    }
    if (options.role !== 'http')
      worker = await startWorker({
        pool,
        log,
        concurrency: config.workerConcurrency,
        tasks,
        cron: [...(config.github && !options.tasks ? reliabilityCron() : []), ...(options.cron ?? [])],
        shutdownTimeoutMs: config.shutdownTimeoutMs,
        staleAfterMs: config.reliability.workerStaleAfterMs,
        onUnexpectedStop: (error) => {
          log.fatal({ err: error }, 'the queue worker stopped on its own');
          options.onFatal?.(error);
        },
      });

    if (options.role !== 'worker') {
      const http = new Hono();
      http.get('/healthz', (c) => c.json({ status: 'ok' }));
      http.get('/readyz', async (c) => {
        const readiness = await checkReadiness(sources);
        return c.json(readiness, readiness.ready ? 200 : 503);
      });
      if (config.github) {
        mountWebhookRoute(http, {
          path: config.webhookPath,
          secret: config.github.webhookSecret,
          maxBytes: config.webhookMaxBytes,
          pool,
          log,
          accepting: () => !shuttingDown,
        });
        mountRunnerRoutes(http, {
          pool,
          log,
          verifyToken: createOidcVerifier({ ...config.oidc, audience: config.publicUrl }),
          accepting: () => !shuttingDown,
        });
      } else {
        const probotSetup = await startProbotSetup(log);
        setup = probotSetup.server;
        mountSetupProxy(http, probotSetup.origin);
      }
      server = await listen(http, config.host, config.port);
    }
  } catch (error) {
    await worker?.stop().catch(() => {});
    await setup?.stop().catch(() => {});
    await pool.end().catch(() => {});
    throw error;
  }

  const address = server?.address() as AddressInfo | undefined;
  const url = address
    ? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`
    : undefined;
  if (url) log.info({ url, mode: config.mode }, 'listening');
  if (config.mode === 'setup' && url) {
    log.warn(
      { url },
      `No GitHub App credentials (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET) are configured. Open ${url} to register the App from app.yml; the credentials are written to .env. Then restart.`,
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    pool,
    readiness: () => checkReadiness(sources),
    stop() {
      stopping ??= (async () => {
        shuttingDown = true;
        log.info('shutting down: refusing new webhooks, draining the queue');
        const abortGitHub = setTimeout(() => githubStop.abort(), config.shutdownTimeoutMs);
        abortGitHub.unref();
        const closed = server
          ? new Promise<void>((resolve) => {
              server?.close(() => resolve());
              server?.closeIdleConnections();
            })
          : Promise.resolve();
        await worker?.stop();
        await setup?.stop();
        server?.closeAllConnections();
        await closed;
        githubStop.abort();
        clearTimeout(abortGitHub);
        await pool.end();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
