// Stores the job's result and moves the task, in one transaction (decideResult says where to):
// a change goes to publishing (the publish job is queued with it), anything else ends the task.
// The same result posted twice is accepted once.
import { createHash } from 'node:crypto';
import type { JobResult } from '../../contract/job-result.ts';
import { decideResult } from '../../core/run/decide-result.ts';
import { JOB_LIVE_STATES } from '../../core/run/runner-rules.ts';
import type { TaskState } from '../../core/task/task-states.ts';
import type { Db } from '../../platform/db/pool.ts';
import { insertResult, resultDigestOf } from '../../store/task-results.ts';
import { applyTransition } from '../../store/task-transitions.ts';
import { lockTask } from '../../store/tasks.ts';
import { inTransaction } from '../../store/transactions.ts';

export type AcceptOutcome =
  | { ok: true; state: TaskState; duplicate: boolean }
  | { ok: false; reason: string };

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
    const decision = decideResult(result, { timeoutMinutes: task.settings.limits['timeout-minutes'] });
    const moved = await applyTransition(client, task, {
      type: decision.type,
      actor: 'job',
      onlyFrom: JOB_LIVE_STATES,
      payload: { outcome: result.outcome, files: result.changes.length, runId },
      fields: decision.fields,
    });
    if (!moved || 'refused' in moved) {
      return { ok: false, reason: `the task is ${task.state.replace(/_/g, ' ')} and takes no result` };
    }
    await insertResult(client, { taskId, attempt: task.attempt, runId, digest, ...result });
    return { ok: true, state: moved.state, duplicate: false };
  });
}
