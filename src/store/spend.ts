// What a repository's agent runs cost this calendar month (UTC): the reported cost of every
// attempt's result, so a retried task counts each attempt it paid for.
import type { Queryable } from '../platform/db/pool.ts';

export async function monthlySpendUsd(db: Queryable, repoId: number): Promise<number> {
  const result = await db.query<{ spent: string }>(
    `SELECT coalesce(sum((r.report->>'costUsd')::numeric), 0)::text AS spent
       FROM task_results r JOIN tasks t ON t.id = r.task_id
      WHERE t.repo_id = $1
        AND r.received_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    [repoId],
  );
  return Number(result.rows[0]?.spent ?? 0);
}
