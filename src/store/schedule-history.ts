// What a schedule's slots became: each run with its task's state and pull request (for
// `/agent schedules` and the report issue).
import type { ScheduleRunView } from '../core/render/schedule-views.ts';
import type { Queryable } from '../platform/db/pool.ts';

export async function recentRuns(
  db: Queryable,
  scheduleId: number,
  limit: number,
): Promise<ScheduleRunView[]> {
  const rows = await db.query(
    `SELECT r.slot_at, r.outcome, r.reason, r.detail, r.missed, r.task_id, t.state, t.pr_url
       FROM schedule_runs r LEFT JOIN tasks t ON t.id = r.task_id
      WHERE r.schedule_id = $1 ORDER BY r.slot_at DESC LIMIT $2`,
    [scheduleId, limit],
  );
  return rows.rows.map((r) => ({
    slotAt: r.slot_at as Date,
    outcome: r.outcome,
    reason: r.reason ?? null,
    detail: r.detail ?? null,
    missed: Number(r.missed),
    taskId: r.task_id === null ? null : Number(r.task_id),
    taskState: r.state ?? null,
    prUrl: r.pr_url ?? null,
  }));
}
