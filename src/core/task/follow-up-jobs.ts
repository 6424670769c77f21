// What the queue must do after a task is created or changes state. Pure: the store enqueues
// these in the same transaction as the change, so a state change never loses its follow-up.
import type { Task } from './task.ts';
import { ACTIVE_STATES, isTerminal, type TaskState } from './task-states.ts';

export const JOBS = {
  processDelivery: 'process-delivery',
  startQueued: 'start-queued',
  dispatch: 'dispatch-task',
  publish: 'publish-task',
  syncFeedback: 'sync-feedback',
  cancelRun: 'cancel-run',
  reviewCheck: 'review-check',
  postHandoff: 'post-handoff',
  scheduleReport: 'schedule-report',
} as const;

export type JobOptions = {
  /** Deduplicates: while a job with this key is pending, adding again replaces it. */
  jobKey?: string;
  /** `replace` (default) or `preserve_run_at` (debounce keeps the earlier run time), `unsafe_dedupe`. */
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  runAt?: Date;
  /** Runs this long after it is added (when `runAt` is not given). */
  delayMs?: number;
  maxAttempts?: number;
  /** Jobs in one named queue run one at a time, in order. */
  queueName?: string;
  priority?: number;
};

export type FollowUpJob = { task: string; payload: Record<string, unknown>; options?: JobOptions };

const active = (state: TaskState | null) =>
  state !== null && (ACTIVE_STATES as readonly TaskState[]).includes(state);

/** Processing a recorded webhook delivery; its key is the one the ingest statement uses. */
export function deliveryJob(deliveryId: string): FollowUpJob {
  return {
    task: JOBS.processDelivery,
    payload: { deliveryId },
    options: { jobKey: `delivery:${deliveryId}`, maxAttempts: DELIVERY_MAX_ATTEMPTS },
  };
}

/** Tries of a delivery's processing job before it is recorded as failed. */
export const DELIVERY_MAX_ATTEMPTS = 10;

export function startQueuedJob(repoId: number): FollowUpJob {
  // One pending start-queued job per repository at a time: bursts coalesce.
  return { task: JOBS.startQueued, payload: { repoId }, options: { jobKey: `start-queued:${repoId}` } };
}

/**
 * Render the sticky comment and check run from the current row; a burst of changes collapses
 * into one update (the job key replaces the pending one).
 */
export function feedbackJob(taskId: number, delayMs?: number): FollowUpJob {
  return {
    task: JOBS.syncFeedback,
    payload: { taskId },
    options: { jobKey: `feedback:${taskId}`, maxAttempts: 10, ...(delayMs !== undefined && { delayMs }) },
  };
}

/**
 * States a task usually leaves within seconds (a quick run, the publishing step): their status
 * comment edit waits this long, so that when the next state comes first only it is written (the
 * job key replaces the pending edit, and an undelayed one runs at once). A reader sees such a
 * state at most this late; GitHub is spared an edit nobody would read.
 */
export const SHORT_STATE_FEEDBACK_DELAY_MS = 5_000;
const SHORT_STATES: readonly TaskState[] = ['running', 'publishing'];

/**
 * Whether the change's feedback (the 👀 reaction, the status comment, the check run) waits for
 * another job, so that the workflow dispatch is a task's first write on GitHub: a new queued task
 * hears from start-queued (which refreshes the tasks it leaves waiting), a dispatched one from the
 * dispatch job once its `workflow_dispatch` is sent or has failed.
 */
function feedbackFollowsDispatch(from: TaskState | null, to: TaskState): boolean {
  return (from === null && to === 'queued') || (from === 'queued' && to === 'dispatched');
}

export function followUpJobs(from: TaskState | null, task: Task): FollowUpJob[] {
  const to = task.state;
  const delay = SHORT_STATES.includes(to) ? SHORT_STATE_FEEDBACK_DELAY_MS : undefined;
  const jobs: FollowUpJob[] = feedbackFollowsDispatch(from, to) ? [] : [feedbackJob(task.id, delay)];
  if (to === 'queued' || (active(from) && !active(to))) jobs.push(startQueuedJob(task.repoId));
  if (to === 'dispatched' && from === 'queued') {
    jobs.push({
      task: JOBS.dispatch,
      payload: { taskId: task.id, attempt: task.attempt },
      options: { jobKey: `dispatch:${task.id}:${task.attempt}`, maxAttempts: 8 },
    });
  }
  if (to === 'publishing') {
    jobs.push({
      task: JOBS.publish,
      payload: { taskId: task.id, attempt: task.attempt },
      options: { jobKey: `publish:${task.id}:${task.attempt}`, maxAttempts: 8 },
    });
  }
  if (to === 'awaiting_plan_approval') {
    // The plan (or other handoff) to approve, posted once in the thread.
    jobs.push({
      task: JOBS.postHandoff,
      payload: { taskId: task.id, attempt: task.attempt },
      options: { jobKey: `handoff:${task.id}:${task.attempt}`, maxAttempts: 10 },
    });
  }
  if (to === 'succeeded' && task.prNumber !== null) {
    // The `agent-dispatch/review` check on the new head: failing until someone else approves.
    jobs.push({
      task: JOBS.reviewCheck,
      payload: { taskId: task.id },
      options: { jobKey: `review-check:${task.repoId}:${task.prNumber}`, maxAttempts: 10 },
    });
  }
  if (task.scheduleId !== null && isTerminal(to)) {
    // The schedule's report issue (when it has one) shows how the run ended.
    jobs.push({
      task: JOBS.scheduleReport,
      payload: { scheduleId: task.scheduleId },
      options: { jobKey: `schedule-report:${task.scheduleId}`, maxAttempts: 10 },
    });
  }
  if (to === 'cancelled' && task.workflowRunId !== null) {
    jobs.push({
      task: JOBS.cancelRun,
      payload: { taskId: task.id, runId: task.workflowRunId },
      options: { maxAttempts: 8 },
    });
  }
  return jobs;
}
