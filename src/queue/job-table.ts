// The queue's job handlers, by name. Each loads what it needs from Postgres, so a job can run on
// any replica, any number of times.
import type { JobHelpers, TaskList } from 'graphile-worker';
import type { Probot } from 'probot';
import { isAppError } from '../core/errors.ts';
import { JOBS } from '../core/task/follow-up-jobs.ts';
import type { AppDeps } from '../flows/app-deps.ts';
import { dispatchTask } from '../flows/dispatch/dispatch-task.ts';
import { startQueued } from '../flows/dispatch/start-queued.ts';
import { syncReviewCheck } from '../flows/feedback/review-check.ts';
import { syncFeedback } from '../flows/feedback/sync-feedback.ts';
import { PROCESS_DELIVERY_JOB } from '../flows/ingest/record-delivery.ts';
import { publishTask } from '../flows/publish/publish-task.ts';
import { reliabilityTasks } from '../flows/reconcile/reconcile-jobs.ts';
import { cancelRun } from '../flows/run/cancel-run.ts';
import { getTask, transitionTask } from '../store/tasks.ts';
import { isTransient } from './classify-error.ts';
import { pacingDeferral } from './defer-paced.ts';

type Payload = Record<string, unknown>;

function finalAttempt(helpers: JobHelpers): boolean {
  return helpers.job.attempts >= helpers.job.max_attempts;
}

/** A job waiting for a GitHub write slot goes back to the queue (`defer-paced.ts`): not a failure. */
function waitsForSlot(error: unknown): boolean {
  return pacingDeferral(error)?.retryAt !== undefined;
}

/** Probot reports handler errors as an AggregateError; look at what is inside. */
function unwrap(error: unknown): unknown[] {
  return error instanceof AggregateError ? [...error.errors] : [error];
}

async function processDelivery(
  deps: AppDeps,
  probot: Probot,
  payload: Payload,
  helpers: JobHelpers,
): Promise<void> {
  const deliveryId = String(payload.deliveryId);
  const found = await deps.pool.query(
    'SELECT event, payload, processed_at FROM webhook_deliveries WHERE delivery_id = $1',
    [deliveryId],
  );
  const row = found.rows[0];
  if (!row || row.processed_at) return;
  const log = deps.log.child({ deliveryId, event: row.event });
  try {
    await probot.receive({ id: deliveryId, name: row.event, payload: row.payload } as never);
  } catch (error) {
    if (waitsForSlot(error)) throw error;
    const errors = unwrap(error);
    const retry = errors.some(isTransient) && !finalAttempt(helpers);
    log[retry ? 'warn' : 'error'](
      { err: errors[0], attempt: helpers.job.attempts },
      'delivery processing failed',
    );
    if (retry) throw error;
    await deps.pool.query(
      `UPDATE webhook_deliveries SET processed_at = now(), outcome = 'failed', error = $2 WHERE delivery_id = $1`,
      [deliveryId, String((errors[0] as Error)?.message ?? error).slice(0, 2000)],
    );
    return;
  }
  await deps.pool.query(
    `UPDATE webhook_deliveries SET processed_at = now(), outcome = 'processed' WHERE delivery_id = $1`,
    [deliveryId],
  );
}

/**
 * Runs task work; a permanent failure (or the last attempt of a passing one) ends the task as
 * failed with the reason, so no task is ever left waiting on a job that gave up.
 */
async function taskWork(
  deps: AppDeps,
  taskId: number,
  helpers: JobHelpers,
  what: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const transient = isTransient(error);
    if (waitsForSlot(error) || (transient && !finalAttempt(helpers))) throw error;
    deps.log.error({ err: error, taskId, attempt: helpers.job.attempts }, `${what} failed`);
    const message = isAppError(error)
      ? error.message
      : `Could not ${what}${transient ? ` after ${helpers.job.attempts} attempts` : ''}: ${(error as Error).message}`;
    await transitionTask(deps.pool, taskId, {
      type: 'fail',
      actor: 'agent-dispatch',
      fields: { errorCode: isAppError(error) ? error.code : 'publish_failed', errorMessage: message },
    });
  }
}

export function appTasks(deps: AppDeps, probot: Probot): TaskList {
  return {
    ...reliabilityTasks(deps),
    [PROCESS_DELIVERY_JOB]: (payload, helpers) => processDelivery(deps, probot, payload as Payload, helpers),
    [JOBS.startQueued]: async (payload) => {
      await startQueued(deps.pool, Number((payload as Payload).repoId));
    },
    [JOBS.dispatch]: (payload, helpers) => {
      const { taskId, attempt } = payload as { taskId: number; attempt: number };
      return taskWork(deps, taskId, helpers, 'dispatch the workflow', () =>
        dispatchTask(deps, taskId, attempt),
      );
    },
    [JOBS.publish]: (payload, helpers) => {
      const { taskId, attempt } = payload as { taskId: number; attempt: number };
      return taskWork(deps, taskId, helpers, 'publish the change', () => publishTask(deps, taskId, attempt));
    },
    [JOBS.syncFeedback]: async (payload, helpers) => {
      try {
        await syncFeedback(deps, Number((payload as Payload).taskId));
      } catch (error) {
        if (waitsForSlot(error) || (isTransient(error) && !finalAttempt(helpers))) throw error;
        deps.log.error({ err: error, taskId: (payload as Payload).taskId }, 'status comment update failed');
      }
    },
    [JOBS.reviewCheck]: async (payload) => {
      const task = await getTask(deps.pool, Number((payload as Payload).taskId));
      if (!task || task.prNumber === null) return;
      await syncReviewCheck(deps, {
        installationId: task.installationId,
        repo: { id: task.repoId, owner: task.repoOwner, name: task.repoName },
        number: task.prNumber,
      });
    },
    [JOBS.cancelRun]: async (payload) => {
      const { taskId, runId } = payload as { taskId: number; runId: number };
      await cancelRun(deps, taskId, runId);
    },
  };
}
