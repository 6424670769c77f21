// The job queue: graphile-worker on the App's own Postgres (LISTEN/NOTIFY pickup, retries with
// exponential backoff, job keys, cron). Runs inside the App process, or alone with --worker-only.
// A pool that ends on its own (it could not record a job's outcome: the database went away) is
// replaced: its jobs are given back to the queue and a new pool starts once the database answers.
// The process lives on; /readyz says `queue: not running` meanwhile.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CronItem,
  type JobHelpers,
  parseCronItems,
  runMigrations,
  type TaskList,
  Logger as WorkerLogger,
} from 'graphile-worker';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { releasable } from './releasable.ts';
import { type PoolOptions, startWorkerPool, type WorkerPool } from './worker-pool.ts';

export type WorkerHandle = {
  /** False while no pool is taking jobs: stopped, or being replaced. */
  isRunning(): boolean;
  stop(): Promise<void>;
};

/** Waits between attempts to replace a pool: 0.5 s, doubling, at most 30 s. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

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

/**
 * A job released at shutdown keeps running (JavaScript cannot stop it); `inFlight` lets stop()
 * wait for it before the database pool closes, so it never touches a closed pool.
 */
function trackedTasks(tasks: TaskList, inFlight: Set<Promise<unknown>>): TaskList {
  return Object.fromEntries(
    Object.entries(tasks).map(([name, handler]) => [
      name,
      (payload: unknown, helpers: JobHelpers) => {
        const work = Promise.resolve(handler?.(payload, helpers));
        inFlight.add(work);
        work.finally(() => inFlight.delete(work)).catch(() => {});
        return work;
      },
    ]),
  );
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
}): Promise<WorkerHandle> {
  const log = options.log.child({ component: 'queue' });
  const inFlight = new Set<Promise<unknown>>();
  const poolOptions: PoolOptions = {
    pool: options.pool,
    log,
    workerLog: workerLogger(log),
    concurrency: options.concurrency,
    // Raced against the shutdown abort: an unfinished job goes back to the queue.
    tasks: releasable(trackedTasks(options.tasks, inFlight)),
    cron: parseCronItems(options.cron ?? []),
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    ...(options.staleAfterMs !== undefined && { staleAfterMs: options.staleAfterMs }),
  };
  const stopping = new AbortController();
  let current: WorkerPool | undefined = await startWorkerPool(poolOptions);
  let replacing: Promise<void> | undefined;

  /** Tries until it works or stop() is called (then undefined). */
  async function untilDone<T>(what: string, attempt: () => Promise<T>): Promise<T | undefined> {
    for (let failures = 0; !stopping.signal.aborted; failures++) {
      try {
        return await attempt();
      } catch (error) {
        const waitMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures);
        log.warn({ err: error, retryInMs: waitMs }, `could not ${what}; trying again`);
        await sleep(waitMs, undefined, { signal: stopping.signal }).catch(() => {});
      }
    }
    return undefined;
  }

  async function replace(dead: WorkerPool, reason: Error): Promise<void> {
    log.error({ err: reason, poolId: dead.id }, 'the queue worker pool stopped on its own; replacing it');
    await untilDone('give the stopped pool’s jobs back to the queue', () => dead.retire());
    const next = await untilDone('start a new queue worker pool', () => startWorkerPool(poolOptions));
    if (next === undefined) return;
    if (stopping.signal.aborted) {
      await next.stop();
      await next.retire().catch(() => {});
      return;
    }
    current = next;
    watch(next);
    log.info({ poolId: next.id, replaced: dead.id }, 'queue worker pool replaced');
  }

  function watch(workerPool: WorkerPool): void {
    void workerPool.ended.then((reason) => {
      if (stopping.signal.aborted) return;
      current = undefined;
      replacing = replace(workerPool, reason);
    });
  }
  watch(current);

  return {
    isRunning: () => current !== undefined && !stopping.signal.aborted,
    async stop() {
      stopping.abort();
      await replacing;
      const last = current;
      current = undefined;
      await last?.stop();
      const deadline = sleep(options.shutdownTimeoutMs, undefined, { ref: false });
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      // Let the worker record the outcome of jobs that just finished.
      await sleep(50);
      // Anything still locked by this pool (a job that did not finish in time) goes back to the
      // queue now, for the next process, instead of waiting to be judged dead.
      await last?.retire().catch((error: unknown) => {
        log.warn({ err: error }, 'could not release this pool on shutdown');
      });
    },
  };
}
