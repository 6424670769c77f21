// Keeps a task in step with its workflow run: `workflow_job` moves it to waiting (environment
// gate) and running; `workflow_run.completed` ends a task that never reported a result as failed,
// with a link to the logs.

import { taskIdOfRunTitle } from '../../contract/run-title.ts';
import {
  readPayload,
  workflowJobPayloadShape,
  workflowRunPayloadShape,
} from '../../core/ingest/webhook-payloads.ts';
import { decideRunEnded, mayHaveStoppedAtGate } from '../../core/run/decide-run-ended.ts';
import type { Task } from '../../core/task/task.ts';
import { transitionTask } from '../../store/task-transitions.ts';
import { findTaskByRunId, hasDispatchWithoutRun } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import { runRejectedAtGate } from './rejected-at-gate.ts';

type Json = Record<string, unknown>;

/** A run the App does not know, whose title says it is one of ours: its id is not stored yet. */
export class RunNotRecordedYet extends Error {}

async function taskForRun(deps: AppDeps, run: Json, repositoryId: number): Promise<Task | undefined> {
  const runId = Number(run.id);
  const task = await findTaskByRunId(deps.pool, runId);
  if (task) return task.repoId === repositoryId ? task : undefined;
  const claimedId = taskIdOfRunTitle(String(run.display_title ?? ''));
  if (claimedId === undefined) return undefined;
  // Our task is being dispatched and has not stored its run id: try again shortly.
  if (await hasDispatchWithoutRun(deps.pool, repositoryId, claimedId)) {
    throw new RunNotRecordedYet(`run ${runId} of task ${claimedId} is not recorded yet`);
  }
  return undefined;
}

export async function handleWorkflowRun(deps: AppDeps, payload: Json): Promise<void> {
  if (payload.action !== 'completed') return;
  const shape = readPayload(workflowRunPayloadShape, 'workflow_run', payload);
  const run: Json = shape.workflow_run;
  const task = await taskForRun(deps, run, shape.repository.id);
  if (!task || Number(run.id) !== task.workflowRunId) return;
  const conclusion = String(run.conclusion ?? 'unknown');
  const url = String(run.html_url ?? task.workflowRunUrl ?? '');
  const decision = decideRunEnded({
    conclusion,
    url,
    environment: task.settings.environment,
    stoppedAtGate:
      mayHaveStoppedAtGate(task.state, conclusion) &&
      (await runRejectedAtGate(deps, task, task.workflowRunId)),
  });
  const ended = await transitionTask(deps.pool, task.id, {
    type: decision.type,
    actor: 'github',
    onlyFrom: decision.onlyFrom,
    payload: { runId: run.id, conclusion, ...(decision.type === 'reject' && { gate: 'environment' }) },
    fields: decision.fields,
  });
  if (ended.ok)
    deps.log.info({ taskId: task.id, conclusion, state: ended.task.state }, 'run ended without a result');
}

export async function handleWorkflowJob(deps: AppDeps, payload: Json): Promise<void> {
  const shape = readPayload(workflowJobPayloadShape, 'workflow_job', payload);
  const job = shape.workflow_job;
  const repositoryId = shape.repository.id;
  const task = await findTaskByRunId(deps.pool, job.run_id);
  if (!task) {
    // `workflow_job` carries no run title; if a task of this repository is still waiting for its
    // run id, this job may be its run: try again once the id is stored.
    if (await hasDispatchWithoutRun(deps.pool, repositoryId))
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
