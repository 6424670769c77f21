// What the sweeper does with a live task whose run has not moved: read the run on GitHub, let
// the pure decideRunSweep choose, and perform it (catch up, end the task, or dispatch it again).
import { decideRunSweep, type RunOnGitHub } from '../../core/reconcile/decide-sweep.ts';
import { newAttemptFields, type Task } from '../../core/task/task.ts';
import type { Db } from '../../platform/db/pool.ts';
import { hasEventBy } from '../../store/task-events.ts';
import { markSwept } from '../../store/task-sweeps.ts';
import { applyTransition, transitionTask } from '../../store/task-transitions.ts';
import { getTask } from '../../store/tasks.ts';
import { inTransaction } from '../../store/transactions.ts';
import type { AppDeps } from '../app-deps.ts';

export const SWEEPER = 'agent-dispatch:sweeper';

export type RunSweepCounts = { runsChecked: number; advanced: number; failed: number; redispatched: number };

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

export async function reconcileRun(deps: AppDeps, task: Task, report: RunSweepCounts): Promise<void> {
  const run = await readRun(deps, task);
  report.runsChecked++;
  const decision = decideRunSweep({
    state: task.state,
    run,
    runUrl: task.workflowRunUrl ?? '',
    policy: deps.config.reliability.sweep.lostRun,
    redispatched: await hasEventBy(deps.pool, task.id, 'retry', SWEEPER),
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
