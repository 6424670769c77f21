// The sweeper (a cron job, once a minute across all replicas): tasks that stopped moving are
// reconciled with GitHub, so a lost webhook, a dead job or a vanished run never leaves a task
// hanging. Each step is idempotent; a sweep that overlaps another one does nothing.

import {
  decideRunSweep,
  type JobRecord,
  jobNeedsRequeue,
  type RunOnGitHub,
} from '../../core/reconcile/decide-sweep.ts';
import { followUpJobs, JOBS, startQueuedJob } from '../../core/task/follow-up-jobs.ts';
import { type Task, taskFromRow } from '../../core/task/task.ts';
import type { TaskState } from '../../core/task/task-states.ts';
import { type Db, inTransaction, type Queryable } from '../../platform/db/pool.ts';
import { enqueue } from '../../queue/enqueue.ts';
import { applyTransition, getTask, newAttemptFields, transitionTask } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import { PROCESS_DELIVERY_JOB } from '../ingest/record-delivery.ts';

export const SWEEPER = 'agent-dispatch:sweeper';
const BATCH = 100;

export type SweepReport = {
  startQueued: number;
  requeued: { dispatch: number; publish: number; delivery: number };
  runsChecked: number;
  advanced: number;
  failed: number;
  redispatched: number;
};

async function jobByKey(db: Queryable, key: string): Promise<JobRecord> {
  const found = await db.query<{ locked_at: Date | null; attempts: number; max_attempts: number }>(
    'SELECT locked_at, attempts, max_attempts FROM graphile_worker.jobs WHERE key = $1',
    [key],
  );
  const row = found.rows[0];
  return row ? { lockedAt: row.locked_at, attempts: row.attempts, maxAttempts: row.max_attempts } : undefined;
}

/** Queues the task's follow-up job again when it is gone or gave up (the job is idempotent). */
async function ensureJob(db: Db, task: Task, from: TaskState, identifier: string): Promise<boolean> {
  const job = followUpJobs(from, task).find((j) => j.task === identifier);
  const key = job?.options?.jobKey;
  if (!job || !key) return false;
  if (!jobNeedsRequeue(await jobByKey(db, key))) return false;
  await enqueue(db, job.task, job.payload, job.options);
  return true;
}

async function staleTasks(db: Db, state: TaskState, olderThanMs: number, extra = 'TRUE'): Promise<Task[]> {
  const rows = await db.query(
    `SELECT * FROM tasks
      WHERE state = $1 AND updated_at < now() - $2 * interval '1 millisecond'
        AND (swept_at IS NULL OR swept_at < now() - $2 * interval '1 millisecond') AND ${extra}
      ORDER BY updated_at LIMIT ${BATCH}`,
    [state, olderThanMs],
  );
  return rows.rows.map(taskFromRow);
}

async function markSwept(db: Db, taskId: number): Promise<void> {
  // Not updated_at: that says when the task last changed, and thresholds are measured from it.
  await db.query('UPDATE tasks SET swept_at = now() WHERE id = $1', [taskId]);
}

async function readRun(deps: AppDeps, task: Task): Promise<RunOnGitHub> {
  const octokit = deps.github.forRepo(task.installationId, task.repoId, 'dispatch');
  try {
    const { data } = await octokit.rest.actions.getWorkflowRun({
      owner: task.repoOwner,
      repo: task.repoName,
      run_id: task.workflowRunId!,
    });
    return {
      kind: 'found',
      status: data.status ?? 'unknown',
      conclusion: data.conclusion,
      htmlUrl: data.html_url,
    };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { kind: 'missing' };
    throw error;
  }
}

async function redispatchedBefore(db: Db, taskId: number): Promise<boolean> {
  const found = await db.query(
    `SELECT 1 FROM task_events WHERE task_id = $1 AND type = 'retry' AND actor = $2 LIMIT 1`,
    [taskId, SWEEPER],
  );
  return (found.rowCount ?? 0) > 0;
}

/** Ends the attempt as failed and starts the next one, in one transaction. */
async function redispatch(db: Db, task: Task, message: string): Promise<boolean> {
  return inTransaction(db, async (client) => {
    const failed = await applyTransition(client, task, {
      type: 'fail',
      actor: SWEEPER,
      onlyFrom: ['dispatched', 'waiting_approval', 'running'],
      payload: { runId: task.workflowRunId, reason: 'run_lost' },
      fields: { errorCode: 'run_lost', errorMessage: message },
    });
    if (!failed || 'refused' in failed) return false;
    const again = await applyTransition(client, failed, {
      type: 'retry',
      actor: SWEEPER,
      payload: { previousRunId: task.workflowRunId, previousError: 'run_lost' },
      fields: newAttemptFields(task),
    });
    if (!again || 'refused' in again) throw new Error(`task ${task.id}: could not start a new attempt`);
    return true;
  });
}

async function reconcileRun(deps: AppDeps, task: Task, report: SweepReport): Promise<void> {
  const run = await readRun(deps, task);
  report.runsChecked++;
  const decision = decideRunSweep({
    state: task.state,
    run,
    runUrl: task.workflowRunUrl ?? '',
    policy: deps.config.reliability.sweep.lostRun,
    redispatched: await redispatchedBefore(deps.pool, task.id),
  });
  const log = deps.log.child({ taskId: task.id, runId: task.workflowRunId });
  switch (decision.kind) {
    case 'none':
      await markSwept(deps.pool, task.id);
      return;
    case 'advance': {
      const moved = await transitionTask(deps.pool, task.id, {
        type: decision.transition,
        actor: SWEEPER,
        onlyFrom:
          decision.transition === 'gate_waiting' ? ['dispatched'] : ['dispatched', 'waiting_approval'],
        payload: { runId: task.workflowRunId },
      });
      if (moved.ok) report.advanced++;
      return;
    }
    case 'fail': {
      const ended = await transitionTask(deps.pool, task.id, {
        type: 'fail',
        actor: SWEEPER,
        onlyFrom: ['dispatched', 'waiting_approval', 'running'],
        payload: { runId: task.workflowRunId, reason: 'run_lost' },
        fields: { errorCode: 'run_lost', errorMessage: decision.message },
      });
      if (ended.ok) {
        report.failed++;
        log.warn({ reason: decision.message }, 'sweeper ended a task whose run was lost');
      }
      return;
    }
    case 'redispatch': {
      const current = await getTask(deps.pool, task.id);
      if (
        current &&
        current.version === task.version &&
        (await redispatch(deps.pool, current, decision.message))
      ) {
        report.redispatched++;
        log.warn({ reason: decision.message }, 'sweeper dispatched a task again after its run was lost');
      }
      return;
    }
  }
}

async function requeueDeliveries(db: Db, olderThanMs: number): Promise<number> {
  const stale = await db.query<{ delivery_id: string }>(
    `SELECT delivery_id FROM webhook_deliveries
      WHERE processed_at IS NULL AND received_at < now() - $1 * interval '1 millisecond'
      ORDER BY received_at LIMIT ${BATCH}`,
    [olderThanMs],
  );
  let requeued = 0;
  for (const { delivery_id: deliveryId } of stale.rows) {
    const key = `delivery:${deliveryId}`;
    if (!jobNeedsRequeue(await jobByKey(db, key))) continue;
    await enqueue(db, PROCESS_DELIVERY_JOB, { deliveryId }, { jobKey: key, maxAttempts: 10 });
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

  const queuedRepos = await pool.query<{ repo_id: string }>(
    `SELECT DISTINCT repo_id FROM tasks
      WHERE state = 'queued' AND updated_at < now() - $1 * interval '1 millisecond' LIMIT ${BATCH}`,
    [t.queuedAfterMs],
  );
  for (const row of queuedRepos.rows) {
    const job = startQueuedJob(Number(row.repo_id));
    await enqueue(pool, job.task, job.payload, job.options);
    report.startQueued++;
  }

  for (const task of await staleTasks(pool, 'publishing', t.publishingAfterMs)) {
    if (await ensureJob(pool, task, 'running', JOBS.publish)) report.requeued.publish++;
    await markSwept(pool, task.id);
  }
  for (const task of await staleTasks(pool, 'dispatched', t.dispatchedAfterMs, 'workflow_run_id IS NULL')) {
    if (await ensureJob(pool, task, 'queued', JOBS.dispatch)) report.requeued.dispatch++;
    await markSwept(pool, task.id);
  }

  const withRuns = [
    ...(await staleTasks(pool, 'dispatched', t.dispatchedAfterMs, 'workflow_run_id IS NOT NULL')),
    ...(await staleTasks(pool, 'waiting_approval', t.waitingAfterMs, 'workflow_run_id IS NOT NULL')),
    ...(await staleTasks(pool, 'running', t.runningAfterMs, 'workflow_run_id IS NOT NULL')),
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
