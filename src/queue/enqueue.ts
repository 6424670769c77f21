// Adds a job to the graphile-worker queue with plain SQL, so it can be part of the caller's
// transaction: a row and the job that acts on it are committed together or not at all.
import type { JobOptions } from '../core/task/follow-up-jobs.ts';
import type { Queryable } from '../platform/db/pool.ts';

/** How a job is queued (defined with the follow-up jobs, which are pure). */
export type EnqueueOptions = JobOptions;

export async function enqueue(
  db: Queryable,
  task: string,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): Promise<void> {
  await db.query(
    `SELECT graphile_worker.add_job(
       identifier => $1, payload => $2::json, queue_name => $3, run_at => $4,
       max_attempts => $5, job_key => $6, priority => $7, job_key_mode => $8)`,
    [
      task,
      JSON.stringify(payload),
      options.queueName ?? null,
      options.runAt ?? null,
      options.maxAttempts ?? null,
      options.jobKey ?? null,
      options.priority ?? null,
      options.jobKeyMode ?? 'replace',
    ],
  );
}
