// The `fetch` the App's Octokit clients use. Every content-creating request (POST, PATCH, PUT,
// DELETE) first reserves a slot in its installation's shared bucket (Postgres, all replicas) and
// waits for it — workflow dispatches in a lane of their own (core/pacing/write-pacing.ts); a
// rate-limit answer from GitHub pauses that installation's writes, both lanes, for every
// replica. Being the innermost layer, it also paces the retries Octokit's plugins make.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isContentCreating,
  type Lane,
  type Lanes,
  laneKey,
  laneOf,
  pauseFromAnswer,
  slotWait,
} from '../core/pacing/write-pacing.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { metrics } from '../platform/metrics/metrics.ts';
import { pauseWrites, reserveWriteSlot, SlotTooFar } from '../store/write-pacing.ts';

export type PacedFetchOptions = {
  pool: Db;
  /** The installation's budget: a lane for workflow dispatches, one for the other writes. */
  lanes: Lanes;
  /** Longest wait for a slot inside a job; beyond it the job goes back to the queue until then. */
  maxWaitMs: number;
  /**
   * The lanes (bucket rows) a deferrable job of this process is sleeping on now, shared by every
   * client of one process: while one job sleeps for a lane's next slot, another job that needs
   * that lane goes back to the queue instead of sleeping beside it (see `asDeferrable`).
   */
  sleeping: Set<string>;
  /** Aborted when the process stops: no request is sent after that. */
  signal: AbortSignal;
  log: Logger;
};

/**
 * Thrown when no slot could be reserved: it is too far away (`retryAt` says when it comes), or
 * the database is unreachable. Named `AbortError` so that Octokit passes it through unchanged
 * instead of retrying it at once; the queue runs the job again later (see `defer-paced.ts`).
 */
export class WritePacingDeferred extends Error {
  override readonly name = 'AbortError';
  readonly code = 'write_paced';
  readonly retryAt: Date | undefined;
  constructor(message: string, retryAt: Date | undefined, options?: ErrorOptions) {
    super(message, options);
    this.retryAt = retryAt;
  }
}

const deferrable = new AsyncLocalStorage<true>();

/**
 * Runs `work` as work the queue can put back (a queue job, `queue/defer-paced.ts`): inside it, a
 * write whose lane already has a job of this process sleeping for a slot is deferred at once rather
 * than sleeping too. So one busy installation holds at most one worker per lane asleep, and the
 * other workers stay free for other installations. Outside it (a request of the REST API or the
 * dashboard, which cannot be put back) a write waits up to `maxWaitMs` as before.
 */
export function asDeferrable<T>(work: () => Promise<T>): Promise<T> {
  return deferrable.run(true, work);
}

function methodOf(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): string {
  if (init?.method) return init.method;
  return input instanceof Request ? input.method : 'GET';
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return input instanceof Request ? input.url : String(input);
}

/** The bucket rows of an installation: one per lane. */
function laneKeys(key: string, lanes: Lanes): string[] {
  const used: Lane[] = lanes.split ? ['other', 'dispatch'] : ['other'];
  return used.map((lane) => laneKey(key, lane));
}

export function createPacedFetch(key: string, options: PacedFetchOptions): typeof fetch {
  const { pool, lanes, signal, log } = options;
  return async (input, init) => {
    signal.throwIfAborted();
    const method = methodOf(input, init);
    if (isContentCreating(method)) {
      const lane: Lane = lanes.split ? laneOf(method, urlOf(input)) : 'other';
      const row = laneKey(key, lane);
      const inJob = deferrable.getStore() === true;
      const { maxWaitMs, claims: sleeper } = slotWait(inJob, options.sleeping.has(row), options.maxWaitMs);
      // Claimed before the reservation, so two writes that start together do not both sleep.
      if (sleeper) options.sleeping.add(row);
      let waitMs: number;
      try {
        waitMs = await reserveWriteSlot(pool, row, lanes[lane], maxWaitMs);
      } catch (error) {
        if (sleeper) options.sleeping.delete(row);
        // The slot is too far away, or the database is unreachable: no write without a slot.
        const retryAt = error instanceof SlotTooFar ? new Date(Date.now() + error.waitMs) : undefined;
        metrics.writeDeferred.inc();
        throw new WritePacingDeferred(
          `no GitHub write slot for ${key}: ${(error as Error).message}`,
          retryAt,
          {
            cause: error,
          },
        );
      }
      metrics.writeWait.observe(waitMs / 1000);
      try {
        if (waitMs > 0) await sleep(waitMs, undefined, { signal });
      } finally {
        if (sleeper) options.sleeping.delete(row);
      }
    }
    const requestSignal = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
    const response = await fetch(input, { ...init, signal: requestSignal });
    const pauseMs = pauseFromAnswer(response.status, response.headers, Date.now());
    if (pauseMs !== undefined && pauseMs > 0) {
      log.warn({ key, pauseMs, status: response.status }, 'GitHub asked to slow down; pausing writes');
      // Both lanes: GitHub's pause is for the installation, whatever the request was.
      for (const lane of laneKeys(key, lanes))
        await pauseWrites(pool, lane, pauseMs).catch((error: unknown) =>
          log.warn({ err: error, key: lane }, 'could not record the pause'),
        );
    }
    return response;
  };
}
