// The queue's jobs, by name: what each runs, what it works on (for the log), and what is
// recorded when it gives up. Each job loads what it needs from Postgres, so it can run on any
// replica, any number of times.
import type { TaskList } from 'graphile-worker';
import type { Probot } from 'probot';
import { AppError } from '../core/errors.ts';
import { JOBS } from '../core/task/follow-up-jobs.ts';
import type { AppDeps } from '../flows/app-deps.ts';
import { dispatchTask } from '../flows/dispatch/dispatch-task.ts';
import { startQueued } from '../flows/dispatch/start-queued.ts';
import { syncReviewCheckOfTask } from '../flows/feedback/review-check.ts';
import { syncFeedback } from '../flows/feedback/sync-feedback.ts';
import { deliveryFailed, processDelivery } from '../flows/ingest/process-delivery.ts';
import { postHandoff } from '../flows/pipeline/post-handoff.ts';
import { publishTask } from '../flows/publish/publish-task.ts';
import { RELIABILITY_JOBS, reconcileDeliveries, sweepAndPrune } from '../flows/reconcile/reconcile-jobs.ts';
import { cancelRun } from '../flows/run/cancel-run.ts';
import { fireSchedule } from '../flows/schedule/fire-schedule.ts';
import { syncScheduleReport } from '../flows/schedule/schedule-report.ts';
import { SCHEDULE_JOBS, tickSchedules } from '../flows/schedule/tick-schedules.ts';
import { transitionTask } from '../store/task-transitions.ts';
import { type JobDefinition, type JobPayload, jobHandlers } from './run-job.ts';

const taskOf = (payload: JobPayload) => ({ taskId: Number(payload.taskId) });
const attemptOf = (payload: JobPayload) => Number(payload.attempt);

/** A task job that gives up ends its task as failed, with the reason, so no task waits forever. */
function failTask(fallback: 'dispatch_failed' | 'publish_failed'): JobDefinition['onGiveUp'] {
  return async (deps, payload, error, attempts) => {
    const reason = String((error as Error)?.message ?? error);
    const failure = error instanceof AppError ? error : new AppError(fallback, { reason, attempts });
    await transitionTask(deps.pool, Number(payload.taskId), {
      type: 'fail',
      actor: 'agent-dispatch',
      fields: { errorCode: failure.code, errorMessage: failure.message },
    });
  };
}

export function jobTable(probot: Probot): Record<string, JobDefinition> {
  return {
    [JOBS.processDelivery]: {
      subject: (p) => ({ deliveryId: String(p.deliveryId) }),
      run: (deps, p) => processDelivery(deps, probot, String(p.deliveryId)),
      onGiveUp: (deps, p, error) => deliveryFailed(deps, String(p.deliveryId), error),
    },
    [JOBS.startQueued]: { run: async (deps, p) => void (await startQueued(deps.pool, Number(p.repoId))) },
    [JOBS.dispatch]: {
      subject: taskOf,
      run: (deps, p) => dispatchTask(deps, Number(p.taskId), attemptOf(p)),
      onGiveUp: failTask('dispatch_failed'),
    },
    [JOBS.publish]: {
      subject: taskOf,
      run: (deps, p) => publishTask(deps, Number(p.taskId), attemptOf(p)),
      onGiveUp: failTask('publish_failed'),
    },
    // A status comment that cannot be written is logged; the next change of the task writes it.
    [JOBS.syncFeedback]: { subject: taskOf, run: (deps, p) => syncFeedback(deps, Number(p.taskId)) },
    [JOBS.reviewCheck]: { subject: taskOf, run: (deps, p) => syncReviewCheckOfTask(deps, Number(p.taskId)) },
    [JOBS.cancelRun]: {
      subject: taskOf,
      run: (deps, p) => cancelRun(deps, Number(p.taskId), Number(p.runId)),
    },
    [JOBS.postHandoff]: {
      subject: taskOf,
      run: (deps, p) => postHandoff(deps, Number(p.taskId), attemptOf(p)),
    },
    [JOBS.scheduleReport]: { run: (deps, p) => syncScheduleReport(deps, Number(p.scheduleId)) },
    [SCHEDULE_JOBS.tick]: { run: async (deps) => void (await tickSchedules(deps)) },
    [SCHEDULE_JOBS.fire]: {
      run: (deps, p) => fireSchedule(deps, Number(p.scheduleId), new Date(String(p.slot))),
    },
    [RELIABILITY_JOBS.sweep]: { run: (deps) => sweepAndPrune(deps) },
    [RELIABILITY_JOBS.redeliver]: { run: (deps) => reconcileDeliveries(deps) },
  };
}

export function appTasks(deps: AppDeps, probot: Probot): TaskList {
  return jobHandlers(deps, jobTable(probot));
}
