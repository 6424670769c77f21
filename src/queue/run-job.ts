// The one wrapper every queue job runs in: it binds the job, its attempt and the task or delivery
// it works on to the logger (so every failure in the logs leads to its task), applies the one
// failure rule (core/queue/decide-job-failure.ts), and on giving up records the failure where
// people see it.
import type { JobHelpers, Task, TaskList } from 'graphile-worker';
import { isAppError } from '../core/errors.ts';
import { decideJobFailure } from '../core/queue/decide-job-failure.ts';
import type { AppDeps } from '../flows/app-deps.ts';
import { metrics } from '../platform/metrics/metrics.ts';
import { pacingDeferral } from './defer-paced.ts';

export type JobPayload = Record<string, unknown>;

export type JobDefinition = {
  /** What the job works on, bound to every log line it writes. */
  subject?(payload: JobPayload): { taskId?: number; deliveryId?: string };
  run(deps: AppDeps, payload: JobPayload): Promise<void>;
  /** Records a failure people must see (the task ends failed, the delivery is marked) once the job gives up. */
  onGiveUp?(deps: AppDeps, payload: JobPayload, error: unknown, attempts: number): Promise<void>;
};

/** Probot reports handler errors as an AggregateError; look at what is inside. */
function unwrap(error: unknown): unknown[] {
  return error instanceof AggregateError && error.errors.length > 0 ? [...error.errors] : [error];
}

function runJob(deps: AppDeps, name: string, definition: JobDefinition): Task {
  return async (rawPayload: unknown, helpers: JobHelpers) => {
    const payload = (rawPayload ?? {}) as JobPayload;
    const { attempts, max_attempts: maxAttempts, id } = helpers.job;
    const log = deps.log.child({ job: name, jobId: id, attempt: attempts, ...definition.subject?.(payload) });
    const bound: AppDeps = { ...deps, log };
    const started = Date.now();
    metrics.jobWait.observe(
      { job: name },
      Math.max(0, started - new Date(helpers.job.run_at).getTime()) / 1000,
    );
    const took = (outcome: string) =>
      metrics.jobDuration.observe({ job: name, outcome }, (Date.now() - started) / 1000);
    try {
      await definition.run(bound, payload);
      took('done');
    } catch (error) {
      took('failed');
      const errors = unwrap(error);
      const waitsForSlot = pacingDeferral(error)?.retryAt !== undefined;
      const decision = decideJobFailure({ errors, waitsForSlot, attempt: attempts, maxAttempts });
      if (decision.kind === 'defer') throw error;
      const first = errors[0];
      const fields = { err: first, ...(isAppError(first) ? first.logFields() : {}) };
      if (decision.kind === 'retry') {
        log.warn(fields, 'job failed; the queue runs it again');
        throw error;
      }
      log.error({ ...fields, transient: decision.transient }, 'job gave up');
      await definition.onGiveUp?.(bound, payload, first, attempts);
    }
  };
}

export function jobHandlers(deps: AppDeps, table: Record<string, JobDefinition>): TaskList {
  return Object.fromEntries(
    Object.entries(table).map(([name, definition]) => [name, runJob(deps, name, definition)]),
  );
}
