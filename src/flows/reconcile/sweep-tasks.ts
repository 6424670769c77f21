// The sweeper (a cron job, once a minute across all replicas): tasks that stopped moving are
// reconciled with GitHub, so a lost webhook, a dead job or a vanished run never leaves a task
// hanging. Each step is idempotent; a sweep that overlaps another one does nothing.
import { jobNeedsRequeue } from '../../core/reconcile/decide-sweep.ts';
import { deliveryJob, followUpJobs, JOBS, startQueuedJob } from '../../core/task/follow-up-jobs.ts';
import type { Task } from '../../core/task/task.ts';
import type { TaskState } from '../../core/task/task-states.ts';
import type { Db } from '../../platform/db/pool.ts';
import { unprocessedDeliveries } from '../../store/deliveries.ts';
import { addJob, jobByKey } from '../../store/jobs.ts';
import { markSwept, reposWithStaleQueue, staleTasks } from '../../store/task-sweeps.ts';
import type { AppDeps } from '../app-deps.ts';
import { type RunSweepCounts, reconcileRun } from './reconcile-run.ts';

export { SWEEPER } from './reconcile-run.ts';

const BATCH = 100;

export type SweepReport = RunSweepCounts & {
  startQueued: number;
  requeued: { dispatch: number; publish: number; delivery: number };
};

/** Queues the task's follow-up job again when it is gone or gave up (the job is idempotent). */
async function ensureJob(db: Db, task: Task, from: TaskState, identifier: string): Promise<boolean> {
  const job = followUpJobs(from, task).find((j) => j.task === identifier);
  const key = job?.options?.jobKey;
  if (!job || !key) return false;
  if (!jobNeedsRequeue(await jobByKey(db, key))) return false;
  await addJob(db, job.task, job.payload, job.options);
  return true;
}

async function requeueDeliveries(db: Db, olderThanMs: number): Promise<number> {
  let requeued = 0;
  for (const deliveryId of await unprocessedDeliveries(db, olderThanMs, BATCH)) {
    const job = deliveryJob(deliveryId);
    if (!jobNeedsRequeue(await jobByKey(db, job.options!.jobKey!))) continue;
    await addJob(db, job.task, job.payload, job.options);
    requeued++;
  }
  return requeued;
}

export async function sweepTasks(deps: AppDeps): Promise<SweepReport> {
  const { pool } = deps;
  const t = deps.config.reliability.sweep;
  const report: SweepReport = {
    startQueued: 0,
    requeued: { dispatch: 0, publish: 0, delivery: 0 },
    runsChecked: 0,
    advanced: 0,
    failed: 0,
    redispatched: 0,
  };

  for (const repoId of await reposWithStaleQueue(pool, t.queuedAfterMs, BATCH)) {
    const job = startQueuedJob(repoId);
    await addJob(pool, job.task, job.payload, job.options);
    report.startQueued++;
  }

  for (const task of await staleTasks(pool, 'publishing', t.publishingAfterMs, 'any', BATCH)) {
    if (await ensureJob(pool, task, 'running', JOBS.publish)) report.requeued.publish++;
    await markSwept(pool, task.id);
  }
  for (const task of await staleTasks(pool, 'dispatched', t.dispatchedAfterMs, 'without_run', BATCH)) {
    if (await ensureJob(pool, task, 'queued', JOBS.dispatch)) report.requeued.dispatch++;
    await markSwept(pool, task.id);
  }

  const withRuns = [
    ...(await staleTasks(pool, 'dispatched', t.dispatchedAfterMs, 'with_run', BATCH)),
    ...(await staleTasks(pool, 'waiting_approval', t.waitingAfterMs, 'with_run', BATCH)),
    ...(await staleTasks(pool, 'running', t.runningAfterMs, 'with_run', BATCH)),
  ];
  for (const task of withRuns) {
    try {
      await reconcileRun(deps, task, report);
    } catch (error) {
      // GitHub is unreachable or refuses: look again at the next sweep.
      deps.log.warn({ err: error, taskId: task.id }, 'sweeper could not check a run');
    }
  }

  report.requeued.delivery = await requeueDeliveries(pool, t.queuedAfterMs);
  return report;
}
