// Stores the job's result and moves the task, in one transaction (decideResult says where to):
// a change goes to publishing (the publish job is queued with it), anything else ends the task.
// The same result posted twice is accepted once.
import { createHash } from 'node:crypto';
import type { JobResult } from '../../contract/job-result.ts';
import { decideStepResult } from '../../core/pipeline/decide-step-result.ts';
import { decideResult } from '../../core/run/decide-result.ts';
import { JOB_LIVE_STATES } from '../../core/run/runner-rules.ts';
import type { TaskState } from '../../core/task/task-states.ts';
import type { Db } from '../../platform/db/pool.ts';
import { insertResult, resultDigestOf } from '../../store/task-results.ts';
import { endStepRun } from '../../store/task-steps.ts';
import { applyTransition } from '../../store/task-transitions.ts';
import { lockTask } from '../../store/tasks.ts';
import { inTransaction } from '../../store/transactions.ts';

export type AcceptOutcome =
  | { ok: true; state: TaskState; duplicate: boolean }
  | { ok: false; reason: string };

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function resultDigest(result: JobResult): string {
  return createHash('sha256').update(JSON.stringify(result)).digest('hex');
}

export async function acceptResult(
  pool: Db,
  taskId: number,
  runId: number,
  result: JobResult,
): Promise<AcceptOutcome> {
  const digest = resultDigest(result);
  return inTransaction(pool, async (client) => {
    const task = await lockTask(client, taskId);
    if (!task) return { ok: false, reason: `task ${taskId} does not exist` };
    const previous = await resultDigestOf(client, taskId, task.attempt);
    if (previous !== undefined) {
      if (previous === digest) return { ok: true, state: task.state, duplicate: true };
      return { ok: false, reason: 'this task already has a different result' };
    }
    const base = decideResult(result, { timeoutMinutes: task.settings.limits['timeout-minutes'] });
    // A pipeline step: it hands on, waits for approval, goes on or ends (core/pipeline).
    const decision = task.pipeline ? decideStepResult(task, result, base) : { ...base, ending: undefined };
    const ending = decision.ending;
    const moved = await applyTransition(client, task, {
      type: decision.type,
      actor: 'job',
      onlyFrom: JOB_LIVE_STATES,
      payload: {
        outcome: result.outcome,
        files: result.changes.length,
        runId,
        ...(task.pipeline && { step: task.pipeline.steps[task.stepIndex ?? 0]?.name, round: task.stepRound }),
        ...(ending?.verdict && { verdict: ending.verdict }),
        ...(ending?.handoffText && { handoffSha256: sha256(ending.handoffText) }),
      },
      fields: decision.fields,
    });
    if (!moved || 'refused' in moved) {
      return { ok: false, reason: `the task is ${task.state.replace(/_/g, ' ')} and takes no result` };
    }
    await insertResult(client, { taskId, attempt: task.attempt, runId, digest, ...result });
    if (ending)
      await endStepRun(client, task.id, task.attempt, {
        ...ending,
        handoffSha256: ending.handoffText === null ? null : sha256(ending.handoffText),
      });
    return { ok: true, state: moved.state, duplicate: false };
  });
}
