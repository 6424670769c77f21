// Every change of a task's state: checked against the transition table, applied with optimistic
// locking on `version`, appended to `task_events`, and followed by the queue jobs it implies — all
// in one transaction.

import { feedbackJob } from '../core/task/follow-up-jobs.ts';
import type { Task, TaskFields } from '../core/task/task.ts';
import { isTerminal, nextState, type TaskState, type TransitionType } from '../core/task/task-states.ts';
import type { Db, Queryable } from '../platform/db/pool.ts';
import { metrics } from '../platform/metrics/metrics.ts';
import { addFollowUpJobs, addJob } from './jobs.ts';
import { appendEventRow } from './task-events.ts';
import { assignments, taskFromRow } from './task-rows.ts';
import { insertApproval } from './task-steps.ts';
import { getTask } from './tasks.ts';
import { inTransaction } from './transactions.ts';

export type TransitionOutcome =
  | { ok: true; task: Task; from: TaskState }
  | { ok: false; reason: string; task: Task | undefined };

export type TransitionRequest = {
  type: TransitionType;
  actor: string;
  payload?: object;
  fields?: TaskFields;
  /** Refuse unless the task is (still) in one of these states. */
  onlyFrom?: readonly TaskState[];
  /** Refuse unless the request is (still) this revision: an approval approves the text it checked. */
  onlyRevision?: number;
};

const MAX_OPTIMISTIC_RETRIES = 5;

/**
 * Applies one transition inside the caller's transaction, if the task still has the version it
 * was read with. Returns undefined when someone changed it in between, or the reason it is not
 * allowed from its state.
 */
export async function applyTransition(
  client: Queryable,
  task: Task,
  request: TransitionRequest,
): Promise<Task | { refused: string } | undefined> {
  if (request.onlyFrom && !request.onlyFrom.includes(task.state))
    return { refused: `task ${task.id} is ${task.state}` };
  if (request.onlyRevision !== undefined && task.requestRevision !== request.onlyRevision)
    return { refused: `the request of task ${task.id} changed while this was decided; read it again` };
  const decision = nextState(task.state, request.type);
  if (!decision.ok) return { refused: decision.reason };
  const set = assignments(request.fields ?? {}, 5);
  const updated = await client.query(
    `UPDATE tasks SET state = $3, version = version + 1, updated_at = now(),
       finished_at = CASE WHEN $4 THEN now() ELSE NULL END ${set.sql}
     WHERE id = $1 AND version = $2
     RETURNING *`,
    [task.id, task.version, decision.to, isTerminal(decision.to), ...set.values],
  );
  const row = updated.rows[0];
  if (!row) return undefined;
  await appendEventRow(client, task.id, {
    type: request.type,
    actor: request.actor,
    from: task.state,
    to: decision.to,
    payload: request.payload,
  });
  const next = taskFromRow(row);
  await addFollowUpJobs(client, task.state, next);
  metrics.transitions.inc({ type: request.type, to: decision.to });
  return next;
}

/**
 * Moves a task along the transition table. On a concurrent change (version moved) it reloads and
 * decides again, so the decision is always made on the current state.
 */
export async function transitionTask(
  pool: Db,
  taskId: number,
  request: TransitionRequest,
): Promise<TransitionOutcome> {
  for (let round = 0; round < MAX_OPTIMISTIC_RETRIES; round++) {
    const task = await getTask(pool, taskId);
    if (!task) return { ok: false, reason: `task ${taskId} does not exist`, task: undefined };
    const outcome = await inTransaction(pool, (client) => applyTransition(client, task, request));
    if (outcome === undefined) continue;
    if ('refused' in outcome) return { ok: false, reason: outcome.refused, task };
    return { ok: true, task: outcome, from: task.state };
  }
  throw new Error(`task ${taskId}: too many concurrent changes`);
}

/** Sets fields that are not part of the state machine (ids of things made on GitHub, progress). */
export async function updateTaskFields(db: Queryable, taskId: number, fields: TaskFields): Promise<void> {
  const set = assignments(fields, 2);
  if (set.values.length === 0) return;
  await db.query(`UPDATE tasks SET updated_at = now() ${set.sql} WHERE id = $1`, [taskId, ...set.values]);
}

export type RequestRevision = Pick<Task, 'prompt' | 'issueTitle' | 'thread'>;

/**
 * A request still waiting for approval, changed (its command was edited, or its thread when it
 * was checked at approval): a new revision, with its event and a status comment refresh. It
 * bumps the version, so an approval decided on the old text cannot land on the new one.
 */
export async function reviseRequest(
  pool: Db,
  task: Task,
  revision: RequestRevision,
  event: { actor: string; payload: object; changedAt: Date },
): Promise<Task | undefined> {
  return inTransaction(pool, async (client) => {
    const updated = await client.query(
      `UPDATE tasks SET prompt = $3, issue_title = $4, thread = $5, request_revision = request_revision + 1,
         request_changed_at = GREATEST(request_changed_at, $6), version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2 AND state = 'awaiting_approval'
       RETURNING *`,
      [
        task.id,
        task.version,
        revision.prompt,
        revision.issueTitle,
        JSON.stringify(revision.thread),
        event.changedAt,
      ],
    );
    const row = updated.rows[0];
    if (!row) return undefined;
    const next = taskFromRow(row);
    await appendEventRow(client, task.id, {
      type: 'request_revised',
      actor: event.actor,
      payload: { ...event.payload, revision: next.requestRevision },
    });
    const job = feedbackJob(task.id);
    await addJob(client, job.task, job.payload, job.options);
    return next;
  });
}

/**
 * An approval of what a pipeline step handed on: the transition and the approval of that exact
 * content (its SHA-256), in one transaction, only while the task still waits on that step's run.
 */
export async function approveHandoffTransition(
  pool: Db,
  task: Task,
  approval: { attempt: number; sha256: string; approverLogin: string; approverId: number; via: string },
  request: TransitionRequest,
): Promise<TransitionOutcome> {
  const outcome = await inTransaction(pool, async (client) => {
    if (task.attempt !== approval.attempt) return { refused: 'a newer plan replaced the one approved' };
    const moved = await applyTransition(client, task, request);
    if (moved && !('refused' in moved)) await insertApproval(client, { taskId: task.id, ...approval });
    return moved;
  });
  if (outcome === undefined)
    return { ok: false, reason: 'the task changed while this was decided; try again', task };
  if ('refused' in outcome) return { ok: false, reason: outcome.refused, task };
  return { ok: true, task: outcome, from: task.state };
}
