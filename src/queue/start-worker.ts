// The job queue: graphile-worker on the App's own Postgres (LISTEN/NOTIFY pickup, retries with
// exponential backoff, job keys, cron). Runs inside the App process, or alone with --worker-only.
import { EventEmitter } from 'node:events';
import {
  type CronItem,
  type JobHelpers,
  parseCronItems,
  type Runner,
  run,
  runMigrations,
  type TaskList,
  type WorkerEvents,
  Logger as WorkerLogger,
} from 'graphile-worker';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { releasable } from './releasable.ts';
import { startLiveness } from './worker-liveness.ts';

export type WorkerHandle = {
  runner: Runner;
  /** False once the runner has stopped or crashed. */
  isRunning(): boolean;
  stop(): Promise<void>;
};

function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    // Per-job completions are routine; keep them at debug.
    else if (level === 'info' && !message.startsWith('Completed task')) log.info(fields, message);
    else log.debug(fields, message);
  });
}

/** Creates or updates graphile-worker's own schema (it serialises concurrent callers itself). */
export async function migrateQueue(pool: Db, log: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger: workerLogger(log) });
}

export async function startWorker(options: {
  pool: Db;
  log: Logger;
  concurrency: number;
  tasks: TaskList;
  /** Recurring jobs (sweeps, reconcilers); each fires once per schedule across all replicas. */
  cron?: CronItem[];
  /** How long in-flight jobs may run after stop() before they are released for retry. */
  shutdownTimeoutMs: number;
  /** Heartbeat this pool and release the jobs of pools silent for this long (docs/reliability.md). */
  staleAfterMs?: number;
  /** The worker stopped on its own (e.g. it lost the database for too long). */
  onUnexpectedStop?: (error: unknown) => void;
}): Promise<WorkerHandle> {
  const log = options.log.child({ component: 'queue' });
  // A job released at shutdown keeps running (JavaScript cannot stop it); wait for it before the
  // pool closes, so it never touches a closed pool.
  const inFlight = new Set<Promise<unknown>>();
  const tasks: TaskList = Object.fromEntries(
    Object.entries(options.tasks).map(([name, handler]) => [
      name,
      (payload: unknown, helpers: JobHelpers) => {
        const work = Promise.resolve(handler?.(payload, helpers));
        inFlight.add(work);
        work.finally(() => inFlight.delete(work)).catch(() => {});
        return work;
      },
    ]),
  );
  const events: WorkerEvents = new EventEmitter();
  let poolId: string | undefined;
  events.on('pool:create', ({ workerPool }) => {
    poolId = workerPool.id;
  });
  let stopping = false;
  let reported = false;
  const unexpected = (error: unknown) => {
    if (stopping || reported) return;
    reported = true;
    options.onUnexpectedStop?.(error);
  };
  // graphile-worker shuts its pool down by itself when it cannot record a job's outcome (the
  // database went away mid-write); the process must not live on without a worker.
  events.on('pool:gracefulShutdown', ({ message }) => {
    unexpected(new Error(`the queue worker shut down: ${message}`));
  });
  const runner = await run({
    pgPool: options.pool,
    concurrency: options.concurrency,
    // Raced against the shutdown abort: an unfinished job goes back to the queue (inFlight above
    // still waits for its work before the pool closes).
    taskList: releasable(tasks),
    events,
    parsedCronItems: parseCronItems(options.cron ?? []),
    noHandleSignals: true,
    logger: workerLogger(log),
    pollInterval: 2_000,
    gracefulShutdownAbortTimeout: options.shutdownTimeoutMs,
  });
  let running = true;
  const liveness =
    options.staleAfterMs !== undefined && poolId !== undefined
      ? startLiveness({ pool: options.pool, poolId, staleAfterMs: options.staleAfterMs, log })
      : undefined;
  runner.promise.then(
    () => {
      running = false;
      unexpected(new Error('the queue worker stopped'));
    },
    (error: unknown) => {
      running = false;
      log.error({ err: error }, 'queue worker stopped with an error');
      unexpected(error);
    },
  );
  return {
    runner,
    isRunning: () => running,
    async stop() {
      stopping = true;
      if (running) {
        await runner.stop();
        running = false;
      }
      const deadline = new Promise((resolve) => setTimeout(resolve, options.shutdownTimeoutMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      // Let the worker record the outcome of jobs that just finished.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await liveness?.stop();
    },
  };
}
