// Keeps a task in step with its workflow run: `workflow_job` moves it to waiting (environment
// gate) and running; `workflow_run.completed` ends a task that never reported a result as failed,
// with a link to the logs.

import { taskIdOfRunTitle } from '../../contract/run-title.ts';
import { rejectedAtGate, runEndedWithoutResult } from '../../core/render/messages.ts';
import type { Task } from '../../core/task/task.ts';
import { findTaskByRunId, transitionTask } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import { runRejectedAtGate } from './rejected-at-gate.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

/** A run the App does not know, whose title says it is one of ours: its id is not stored yet. */
export class RunNotRecordedYet extends Error {}

async function taskForRun(deps: AppDeps, run: Json, repositoryId: number): Promise<Task | undefined> {
  const runId = Number(run.id);
  const task = await findTaskByRunId(deps.pool, runId);
  if (task) return task.repoId === repositoryId ? task : undefined;
  const claimedId = taskIdOfRunTitle(String(run.display_title ?? ''));
  if (claimedId === undefined) return undefined;
  const result = await deps.pool.query<{ state: string; workflow_run_id: string | null }>(
    'SELECT state, workflow_run_id FROM tasks WHERE id = $1 AND repo_id = $2',
    [claimedId, repositoryId],
  );
  const row = result.rows[0];
  // Our task is being dispatched and has not stored its run id: try again shortly.
  if (row && row.state === 'dispatched' && row.workflow_run_id === null) {
    throw new RunNotRecordedYet(`run ${runId} of task ${claimedId} is not recorded yet`);
  }
  return undefined;
}

export async function handleWorkflowRun(deps: AppDeps, payload: Json): Promise<void> {
  if (payload.action !== 'completed') return;
  const run = obj(payload.workflow_run);
  const task = await taskForRun(deps, run, Number(obj(payload.repository).id));
  if (!task || Number(run.id) !== task.workflowRunId) return;
  const conclusion = String(run.conclusion ?? 'unknown');
  const url = String(run.html_url ?? task.workflowRunUrl ?? '');
  // A reviewer (or a protection rule) rejected the run at the environment gate: the task was
  // rejected, not failed.
  if (
    conclusion === 'failure' &&
    (task.state === 'dispatched' || task.state === 'waiting_approval') &&
    (await runRejectedAtGate(deps, task, task.workflowRunId))
  ) {
    const rejected = await transitionTask(deps.pool, task.id, {
      type: 'reject',
      actor: 'github',
      onlyFrom: ['dispatched', 'waiting_approval'],
      payload: { runId: run.id, conclusion, gate: 'environment' },
      fields: { errorCode: 'gate_rejected', errorMessage: rejectedAtGate(task.settings.environment, url) },
    });
    if (rejected.ok) deps.log.info({ taskId: task.id }, 'run rejected at the environment gate');
    return;
  }
  const result = await transitionTask(deps.pool, task.id, {
    type: 'fail',
    actor: 'github',
    onlyFrom: ['dispatched', 'waiting_approval', 'running'],
    payload: { runId: run.id, conclusion },
    fields: { errorCode: 'run_failed', errorMessage: runEndedWithoutResult(conclusion, url) },
  });
  if (result.ok) deps.log.info({ taskId: task.id, conclusion }, 'run ended without a result');
}

export async function handleWorkflowJob(deps: AppDeps, payload: Json): Promise<void> {
  const job = obj(payload.workflow_job);
  const repositoryId = Number(obj(payload.repository).id);
  const task = await findTaskByRunId(deps.pool, Number(job.run_id));
  if (!task) {
    // `workflow_job` carries no run title; if a task of this repository is still waiting for its
    // run id, this job may be its run: try again once the id is stored.
    const pending = await deps.pool.query(
      `SELECT 1 FROM tasks WHERE repo_id = $1 AND state = 'dispatched' AND workflow_run_id IS NULL LIMIT 1`,
      [repositoryId],
    );
    if (pending.rowCount)
      throw new RunNotRecordedYet(`job ${String(job.id)} may belong to a task being dispatched`);
    return;
  }
  if (task.repoId !== repositoryId) return;
  if (payload.action === 'waiting') {
    await transitionTask(deps.pool, task.id, {
      type: 'gate_waiting',
      actor: 'github',
      onlyFrom: ['dispatched'],
      payload: { jobId: job.id },
    });
  } else if (payload.action === 'in_progress') {
    await transitionTask(deps.pool, task.id, {
      type: 'run_started',
      actor: 'github',
      onlyFrom: ['dispatched', 'waiting_approval'],
      payload: { jobId: job.id },
    });
  }
}
