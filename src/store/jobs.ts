// The queue's rows (graphile-worker's schema on the App's Postgres): adding a job with plain SQL,
// so it can be part of the caller's transaction — a row and the job that acts on it are committed
// together or not at all — and reading a job back by its key.
import type { JobRecord } from '../core/reconcile/decide-sweep.ts';
import { followUpJobs, type JobOptions } from '../core/task/follow-up-jobs.ts';
import type { Task } from '../core/task/task.ts';
import type { TaskState } from '../core/task/task-states.ts';
import type { Queryable } from '../platform/db/pool.ts';

export async function addJob(
  db: Queryable,
  task: string,
  payload: Record<string, unknown>,
  options: JobOptions = {},
): Promise<void> {
  await db.query(
    `SELECT graphile_worker.add_job(
       identifier => $1, payload => $2::json, queue_name => $3, run_at => $4,
       max_attempts => $5, job_key => $6, priority => $7, job_key_mode => $8)`,
    [
      task,
      JSON.stringify(payload),
      options.queueName ?? null,
      options.runAt ?? (options.delayMs !== undefined ? new Date(Date.now() + options.delayMs) : null),
      options.maxAttempts ?? null,
      options.jobKey ?? null,
      options.priority ?? null,
      options.jobKeyMode ?? 'replace',
    ],
  );
}

/** Queues what a change of `task` from `from` implies, inside the caller's transaction. */
export async function addFollowUpJobs(db: Queryable, from: TaskState | null, task: Task): Promise<void> {
  for (const job of followUpJobs(from, task)) await addJob(db, job.task, job.payload, job.options);
}

export async function jobByKey(db: Queryable, key: string): Promise<JobRecord> {
  const found = await db.query<{ locked_at: Date | null; attempts: number; max_attempts: number }>(
    'SELECT locked_at, attempts, max_attempts FROM graphile_worker.jobs WHERE key = $1',
    [key],
  );
  const row = found.rows[0];
  return row ? { lockedAt: row.locked_at, attempts: row.attempts, maxAttempts: row.max_attempts } : undefined;
}
