// Adds a job to the graphile-worker queue with plain SQL, so it can be part of the caller's
// transaction: a row and the job that acts on it are committed together or not at all.
import type { Queryable } from '../db/pool.ts';

export type EnqueueOptions = {
  /** Deduplicates: while a job with this key is pending, adding again replaces it. */
  jobKey?: string;
  /** `replace` (default) or `preserve_run_at` (debounce keeps the earlier run time), `unsafe_dedupe`. */
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  runAt?: Date;
  maxAttempts?: number;
  /** Jobs in one named queue run one at a time, in order. */
  queueName?: string;
  priority?: number;
};

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
