// Stores the job's result and moves the task, in one transaction: a completed change goes to
// publishing (the publish job is queued with it), no change ends the task, a failure or a
// timeout ends it with the reason. The same result posted twice is accepted once.
import { createHash } from 'node:crypto';
import type { JobResult } from '../../contract/job-result.ts';
import { type Task, type TaskUsage, taskFromRow } from '../../core/task/task.ts';
import type { TaskState, TransitionType } from '../../core/task/task-states.ts';
import type { Db } from '../../platform/db/pool.ts';
import { inTransaction } from '../../platform/db/pool.ts';
import { applyTransition, type TaskFields } from '../../store/tasks.ts';

export type AcceptOutcome =
  | { ok: true; state: TaskState; duplicate: boolean }
  | { ok: false; status: 409; reason: string };

export function resultDigest(result: JobResult): string {
  return createHash('sha256').update(JSON.stringify(result)).digest('hex');
}

function usageOf(result: JobResult): TaskUsage {
  const r = result.report;
  return {
    turns: r.turns,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    durationMs: r.durationMs,
    engineVersion: r.engineVersion,
    model: r.model,
  };
}

function decide(result: JobResult, task: Task): { type: TransitionType; fields: TaskFields } {
  const base: TaskFields = { usage: usageOf(result), costUsd: result.report.costUsd };
  switch (result.outcome) {
    case 'completed':
      return result.changes.length > 0
        ? { type: 'result_received', fields: base }
        : { type: 'no_changes', fields: base };
    case 'failed':
      return {
        type: 'fail',
        fields: {
          ...base,
          errorCode: 'engine_failed',
          errorMessage: `The agent failed${result.report.exitCode !== null ? ` (exit code ${result.report.exitCode})` : ''}: ${(result.report.error ?? 'no reason given').slice(0, 1000)}`,
        },
      };
    case 'limit_reached':
      return {
        type: 'fail',
        fields: {
          ...base,
          errorCode: 'limit_reached',
          errorMessage: `The agent was stopped at a limit: ${(result.report.error ?? 'turn or cost limit').slice(0, 1000).replace(/[.\s]+$/, '')}. Its partial work is kept with the task and was not published.`,
        },
      };
    case 'timed_out':
      return {
        type: 'timed_out',
        fields: {
          ...base,
          errorCode: 'timed_out',
          errorMessage: `The agent was stopped at the ${task.settings.limits['timeout-minutes']}-minute limit (\`limits.timeout-minutes\`). Its partial work (${result.changes.length} files) is kept with the task and was not published.`,
        },
      };
  }
}

export async function acceptResult(
  pool: Db,
  taskId: number,
  runId: number,
  result: JobResult,
): Promise<AcceptOutcome> {
  const digest = resultDigest(result);
  return inTransaction(pool, async (client) => {
    const locked = await client.query('SELECT * FROM tasks WHERE id = $1 FOR UPDATE', [taskId]);
    if (!locked.rows[0]) return { ok: false, status: 409, reason: `task ${taskId} does not exist` };
    const task = taskFromRow(locked.rows[0]);
    const previous = await client.query<{ digest: string }>(
      'SELECT digest FROM task_results WHERE task_id = $1 AND attempt = $2',
      [taskId, task.attempt],
    );
    if (previous.rows[0]) {
      if (previous.rows[0].digest === digest) return { ok: true, state: task.state, duplicate: true };
      return { ok: false, status: 409, reason: 'this task already has a different result' };
    }
    const decision = decide(result, task);
    const moved = await applyTransition(client, task, {
      type: decision.type,
      actor: 'job',
      onlyFrom: ['dispatched', 'waiting_approval', 'running'],
      payload: { outcome: result.outcome, files: result.changes.length, runId },
      fields: decision.fields,
    });
    if (!moved || 'refused' in moved) {
      return {
        ok: false,
        status: 409,
        reason: `the task is ${task.state.replace(/_/g, ' ')} and takes no result`,
      };
    }
    await client.query(
      `INSERT INTO task_results (task_id, attempt, run_id, outcome, changes, patch, report, digest)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        taskId,
        task.attempt,
        runId,
        result.outcome,
        JSON.stringify(result.changes),
        result.patch,
        JSON.stringify(result.report),
        digest,
      ],
    );
    return { ok: true, state: moved.state, duplicate: false };
  });
}
