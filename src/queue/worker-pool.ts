// One graphile-worker pool: its runner, its id, its liveness heartbeat, and a promise that says
// why it ended. start-worker.ts replaces a pool that ends on its own with a new one.
import { EventEmitter } from 'node:events';
import {
  type ParsedCronItem,
  run,
  type TaskList,
  type WorkerEvents,
  type Logger as WorkerLogger,
} from 'graphile-worker';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { releasePool } from '../store/workers.ts';
import { startLiveness } from './worker-liveness.ts';

export type PoolOptions = {
  pool: Db;
  log: Logger;
  workerLog: WorkerLogger;
  concurrency: number;
  tasks: TaskList;
  cron: ParsedCronItem[];
  shutdownTimeoutMs: number;
  staleAfterMs?: number;
};

export type WorkerPool = {
  id: string | undefined;
  /** Settles once the pool has ended on its own (never after stop()), with the reason. */
  ended: Promise<Error>;
  /** Stops taking jobs, lets running ones finish (up to the shutdown timeout). */
  stop(): Promise<void>;
  /** Gives back whatever this pool still holds and stops heartbeating it. Throws if the database says no. */
  retire(): Promise<void>;
};

export async function startWorkerPool(options: PoolOptions): Promise<WorkerPool> {
  const events: WorkerEvents = new EventEmitter();
  let id: string | undefined;
  events.on('pool:create', ({ workerPool }) => {
    id = workerPool.id;
  });
  let stopping = false;
  let endedOnItsOwn: (error: Error) => void = () => {};
  const ended = new Promise<Error>((resolve) => {
    endedOnItsOwn = resolve;
  });
  // graphile-worker shuts a pool down by itself when it cannot record a job's outcome (the
  // database went away mid-write): the job stays locked by this pool until the pool is retired.
  events.on('pool:gracefulShutdown', ({ message }) => {
    if (!stopping) reason = new Error(`the queue worker pool shut down: ${message}`);
  });
  let reason: Error | undefined;
  const runner = await run({
    pgPool: options.pool,
    concurrency: options.concurrency,
    taskList: options.tasks,
    events,
    parsedCronItems: options.cron,
    noHandleSignals: true,
    logger: options.workerLog,
    pollInterval: 2_000,
    gracefulShutdownAbortTimeout: options.shutdownTimeoutMs,
    // Batched outcomes: a failure to record one goes to the pool's fatal-error path (the pool
    // shuts down and is replaced). Unbatched, graphile-worker leaves that promise unawaited:
    // an unhandled rejection, and a job locked by a pool that goes on heartbeating.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });
  const liveness =
    options.staleAfterMs !== undefined && id !== undefined
      ? startLiveness({
          pool: options.pool,
          poolId: id,
          staleAfterMs: options.staleAfterMs,
          log: options.log,
        })
      : undefined;
  runner.promise.then(
    () => {
      if (!stopping) endedOnItsOwn(reason ?? new Error('the queue worker pool stopped'));
    },
    (error: unknown) => {
      if (!stopping) endedOnItsOwn(error instanceof Error ? error : new Error(String(error)));
    },
  );
  return {
    get id() {
      return id;
    },
    ended,
    async stop() {
      stopping = true;
      await runner.stop().catch(() => {});
    },
    async retire() {
      liveness?.stop();
      if (id !== undefined) await releasePool(options.pool, id);
    },
  };
}
