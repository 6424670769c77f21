// A job that could not get a GitHub write slot soon enough goes back to the queue for the time
// its slot comes, instead of parking a worker until then or spending one of its attempts: so a
// busy installation's backlog never holds the workers that other installations' jobs need.
//
// The job is added again under its own key (graphile-worker gives a locked job's key to the new
// job) and this run ends without error. Every job is safe to run again from the start: effects
// on GitHub are once-only, state changes are versioned.
import type { Task, TaskList } from 'graphile-worker';
import { asDeferrable, WritePacingDeferred } from '../github/paced-fetch.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { addJob } from '../store/jobs.ts';

/** Spreads jobs deferred to the same slot over a second, so they do not all wake together. */
const JITTER_MS = 1_000;

/**
 * A deferred job comes back behind fresh work (graphile-worker runs lower numbers first): one
 * installation's backlog of paced writes must not stand in front of another installation's new
 * command, whose own bucket is free. Found by bench:fairness: with 200 of A's tasks waiting for
 * slots, B's command waited over 120 s for a worker.
 */
const DEFERRED_PRIORITY = 1;

/** The deferral inside an error, through AggregateErrors (Probot's handlers) and causes. */
export function pacingDeferral(error: unknown, depth = 0): WritePacingDeferred | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  if (error instanceof WritePacingDeferred) return error;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = pacingDeferral(inner, depth + 1);
      if (found) return found;
    }
  }
  return pacingDeferral((error as { cause?: unknown }).cause, depth + 1);
}

export function deferWhenPaced(pool: Db, log: Logger, tasks: TaskList): TaskList {
  const wrapped: TaskList = {};
  for (const [identifier, task] of Object.entries(tasks)) {
    if (!task) continue;
    const run: Task = async (payload, helpers) => {
      try {
        return await asDeferrable(() => Promise.resolve(task(payload, helpers)));
      } catch (error) {
        const retryAt = pacingDeferral(error)?.retryAt;
        if (!retryAt) throw error;
        const runAt = new Date(retryAt.getTime() + Math.floor(Math.random() * JITTER_MS));
        const { job } = helpers;
        await addJob(pool, identifier, (payload ?? {}) as Record<string, unknown>, {
          runAt,
          maxAttempts: job.max_attempts,
          priority: Math.max(job.priority, DEFERRED_PRIORITY),
          ...(job.key ? { jobKey: job.key, jobKeyMode: 'preserve_run_at' as const } : {}),
        });
        log.debug({ job: identifier, jobId: job.id, runAt }, 'job waits for a GitHub write slot');
      }
    };
    wrapped[identifier] = run;
  }
  return wrapped;
}
