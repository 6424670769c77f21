// Shared state read when /metrics is scraped: tasks by state and due queue jobs by name.
import type { Queryable } from '../platform/db/pool.ts';

export async function tasksByState(db: Queryable): Promise<{ state: string; count: number }[]> {
  const rows = await db.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM tasks GROUP BY state',
  );
  return rows.rows.map((r) => ({ state: r.state, count: r.n }));
}

export async function dueJobsByName(db: Queryable): Promise<{ job: string; count: number }[]> {
  const rows = await db.query<{ task_identifier: string; n: number }>(
    `SELECT task_identifier, count(*)::int AS n FROM graphile_worker.jobs
      WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts
      GROUP BY task_identifier`,
  );
  return rows.rows.map((r) => ({ job: r.task_identifier, count: r.n }));
}
