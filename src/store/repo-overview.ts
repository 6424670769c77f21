// Per repository, what the Repositories page shows: tasks running and waiting, the concurrency
// cap and monthly budget they were accepted under (the newest task's settings), what this month
// cost, and when the last task came.
import type { Queryable } from '../platform/db/pool.ts';

export type RepoOverview = {
  repoId: number;
  owner: string;
  name: string;
  installationId: number;
  active: number;
  awaitingApproval: number;
  tasksThisMonth: number;
  lastTaskAt: Date | null;
  concurrency: number | null;
  monthlyBudgetUsd: number | null;
  costThisMonthUsd: number;
};

export async function repoOverviews(db: Queryable, repoIds: number[] | undefined): Promise<RepoOverview[]> {
  const rows = await db.query(
    `WITH month AS (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start),
     repos AS (
       SELECT repo_id,
              count(*) FILTER (WHERE state IN ('queued','dispatched','waiting_approval','running','publishing'))::int AS active,
              count(*) FILTER (WHERE state = 'awaiting_approval')::int AS awaiting,
              count(*) FILTER (WHERE created_at >= (SELECT start FROM month))::int AS this_month,
              max(created_at) AS last_at, max(id) AS newest
         FROM tasks WHERE ($1::bigint[] IS NULL OR repo_id = ANY($1::bigint[]))
        GROUP BY repo_id)
     SELECT r.*, t.repo_owner, t.repo_name, t.installation_id,
            t.settings->>'concurrency' AS concurrency, t.settings->'budget'->>'monthly-usd' AS budget,
            (SELECT coalesce(sum((x.report->>'costUsd')::numeric), 0) FROM task_results x JOIN tasks y ON y.id = x.task_id
              WHERE y.repo_id = r.repo_id AND x.received_at >= (SELECT start FROM month))::text AS cost
       FROM repos r JOIN tasks t ON t.id = r.newest
      ORDER BY t.repo_owner, t.repo_name`,
    [repoIds ?? null],
  );
  return rows.rows.map((r) => ({
    repoId: Number(r.repo_id),
    owner: r.repo_owner,
    name: r.repo_name,
    installationId: Number(r.installation_id),
    active: r.active,
    awaitingApproval: r.awaiting,
    tasksThisMonth: r.this_month,
    lastTaskAt: r.last_at ?? null,
    concurrency: r.concurrency === null ? null : Number(r.concurrency),
    monthlyBudgetUsd: r.budget === null ? null : Number(r.budget),
    costThisMonthUsd: Number(r.cost),
  }));
}
