// Task reads of the sweeper (src/flows/reconcile): tasks stuck in a state, the note that it looked,
// repositories whose queue has not moved.
import type { Task } from '../core/task/task.ts';
import type { TaskState } from '../core/task/task-states.ts';
import type { Queryable } from '../platform/db/pool.ts';
import { taskFromRow } from './task-rows.ts';

/** Live tasks in `state` unchanged (and unswept) for `olderThanMs`, oldest first. */
export async function staleTasks(
  db: Queryable,
  state: TaskState,
  olderThanMs: number,
  run: 'any' | 'with_run' | 'without_run',
  limit: number,
): Promise<Task[]> {
  const rows = await db.query(
    `SELECT * FROM tasks
      WHERE state = $1 AND updated_at < now() - $2 * interval '1 millisecond'
        AND (swept_at IS NULL OR swept_at < now() - $2 * interval '1 millisecond')
        AND ($3 = 'any' OR ($3 = 'with_run') = (workflow_run_id IS NOT NULL))
      ORDER BY updated_at LIMIT $4`,
    [state, olderThanMs, run, limit],
  );
  return rows.rows.map(taskFromRow);
}

/** Notes that the sweeper looked at the task (not updated_at: thresholds are measured from that). */
export async function markSwept(db: Queryable, taskId: number): Promise<void> {
  await db.query('UPDATE tasks SET swept_at = now() WHERE id = $1', [taskId]);
}

/** Repositories with a task queued longer than `olderThanMs`. */
export async function reposWithStaleQueue(
  db: Queryable,
  olderThanMs: number,
  limit: number,
): Promise<number[]> {
  const rows = await db.query<{ repo_id: string }>(
    `SELECT DISTINCT repo_id FROM tasks
      WHERE state = 'queued' AND updated_at < now() - $1 * interval '1 millisecond' LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.rows.map((row) => Number(row.repo_id));
}
