// Task events across tasks, for the dashboard's activity stream and its live task table: the
// newest events of the repositories one may see, the events of a task since a moment, and the
// tasks that changed lately.
import type { Queryable } from '../platform/db/pool.ts';
import { eventFromRow, type TaskEventRow } from './task-events.ts';

export type ActivityRow = { taskId: number; event: TaskEventRow };

/** The newest events (state changes and what the App did), newest first, before `before` if given. */
export async function recentActivity(
  db: Queryable,
  options: { repoIds: number[] | undefined; limit: number; before?: Date | undefined },
): Promise<ActivityRow[]> {
  const rows = await db.query(
    `SELECT e.task_id, e.seq, e.type, e.from_state, e.to_state, e.actor, e.payload, e.created_at
       FROM task_events e JOIN tasks t ON t.id = e.task_id
      WHERE ($1::bigint[] IS NULL OR t.repo_id = ANY($1::bigint[]))
        AND ($2::timestamptz IS NULL OR e.created_at < $2)
        AND e.type <> 'progress'
      ORDER BY e.created_at DESC, e.task_id DESC, e.seq DESC
      LIMIT $3`,
    [options.repoIds ?? null, options.before ?? null, options.limit],
  );
  return rows.rows.map((r) => ({ taskId: Number(r.task_id), event: eventFromRow(r) }));
}

/** A task's events after `afterSeq` that were written in the last `withinSeconds`. */
export async function taskEventsSince(
  db: Queryable,
  taskId: number,
  afterSeq: number,
  withinSeconds: number,
): Promise<TaskEventRow[]> {
  const rows = await db.query(
    `SELECT seq, type, from_state, to_state, actor, payload, created_at FROM task_events
      WHERE task_id = $1 AND seq > $2 AND created_at > now() - $3 * interval '1 second'
      ORDER BY seq LIMIT 200`,
    [taskId, afterSeq, withinSeconds],
  );
  return rows.rows.map(eventFromRow);
}

/** Tasks whose row changed in the last `withinSeconds`. */
export async function tasksChangedSince(db: Queryable, withinSeconds: number): Promise<number[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM tasks WHERE updated_at > now() - $1 * interval '1 second' ORDER BY id DESC LIMIT 1000`,
    [withinSeconds],
  );
  return rows.rows.map((r) => Number(r.id));
}
