// A task's history: `task_events`, append-only (a trigger refuses updates and deletes), numbered
// without gaps per task from the task row's `event_seq`.
import type { TaskState } from '../core/task/task-states.ts';
import type { Db, Queryable } from '../platform/db/pool.ts';
import { inTransaction } from './transactions.ts';

export type NewTaskEvent = {
  type: string;
  actor: string;
  payload?: object;
  from?: TaskState | null;
  to?: TaskState | null;
};

export type TaskEventRow = {
  seq: number;
  type: string;
  fromState: TaskState | null;
  toState: TaskState | null;
  actor: string;
  payload: Record<string, unknown>;
  createdAt: Date;
};

/** Appends an event inside the caller's transaction; returns its number. */
export async function appendEventRow(db: Queryable, taskId: number, event: NewTaskEvent): Promise<number> {
  const seq = await db.query<{ event_seq: number }>(
    'UPDATE tasks SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq',
    [taskId],
  );
  const n = seq.rows[0]?.event_seq;
  if (n === undefined) throw new Error(`task ${taskId} does not exist`);
  await db.query(
    `INSERT INTO task_events (task_id, seq, type, from_state, to_state, actor, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      taskId,
      n,
      event.type,
      event.from ?? null,
      event.to ?? null,
      event.actor,
      JSON.stringify(event.payload ?? {}),
    ],
  );
  return n;
}

/** Records something that happened to a task without changing its state. */
export async function appendTaskEvent(
  pool: Db,
  taskId: number,
  event: { type: string; actor: string; payload?: object },
): Promise<number> {
  return inTransaction(pool, (client) => appendEventRow(client, taskId, event));
}

/** A task_events row as the App reads it. */
export function eventFromRow(r: Record<string, unknown>): TaskEventRow {
  return {
    seq: r.seq as number,
    type: r.type as string,
    fromState: r.from_state as TaskState | null,
    toState: r.to_state as TaskState | null,
    actor: r.actor as string,
    payload: r.payload as Record<string, unknown>,
    createdAt: r.created_at as Date,
  };
}

export async function taskEvents(db: Queryable, taskId: number): Promise<TaskEventRow[]> {
  const result = await db.query(
    'SELECT seq, type, from_state, to_state, actor, payload, created_at FROM task_events WHERE task_id = $1 ORDER BY seq',
    [taskId],
  );
  return result.rows.map(eventFromRow);
}

export async function countTaskEvents(db: Queryable, taskId: number, type: string): Promise<number> {
  const count = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM task_events WHERE task_id = $1 AND type = $2',
    [taskId, type],
  );
  return count.rows[0]?.n ?? 0;
}

/** Whether `actor` ever made this transition of the task (the sweeper's one redispatch). */
export async function hasEventBy(
  db: Queryable,
  taskId: number,
  type: string,
  actor: string,
): Promise<boolean> {
  const found = await db.query(
    'SELECT 1 FROM task_events WHERE task_id = $1 AND type = $2 AND actor = $3 LIMIT 1',
    [taskId, type, actor],
  );
  return (found.rowCount ?? 0) > 0;
}

/** The run ids recorded for the task's earlier attempts (`run_created` events). */
export async function recordedRunIds(db: Queryable, taskId: number): Promise<Set<number>> {
  const found = await db.query<{ run_id: string }>(
    `SELECT payload->>'runId' AS run_id FROM task_events WHERE task_id = $1 AND type = 'run_created'`,
    [taskId],
  );
  return new Set(found.rows.map((row) => Number(row.run_id)));
}
