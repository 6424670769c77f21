// What became of each agent pull request, and the figures drawn from it: merge rate, time to
// merge, follow-ups asked, cost per merged pull request — per engine or repository.
import type { Queryable } from '../platform/db/pool.ts';

export type PrChange = {
  repoId: number;
  prNumber: number;
  branch: string;
  state?: 'open' | 'merged' | 'closed';
  reviewState?: string;
  openedAt: Date;
  closedAt?: Date | null;
  mergedAt?: Date | null;
};

/** Records a change of an agent pull request; returns false when it is not one of the App's. */
export async function recordPrOutcome(db: Queryable, change: PrChange): Promise<boolean> {
  const recorded = await db.query(
    `INSERT INTO pr_outcomes (repo_id, pr_number, task_id, state, review_state, opened_at, closed_at, merged_at)
     SELECT $1, $2, t.id, coalesce($4, 'open'), $5, $6, $7, $8
       FROM tasks t WHERE t.repo_id = $1 AND t.pr_number = $2 AND t.branch = $3
      ORDER BY t.id LIMIT 1
     ON CONFLICT (repo_id, pr_number) DO UPDATE SET
       state = coalesce($4, pr_outcomes.state),
       review_state = coalesce($5, pr_outcomes.review_state),
       closed_at = CASE WHEN $4 IS NULL THEN pr_outcomes.closed_at ELSE $7 END,
       merged_at = CASE WHEN $4 IS NULL THEN pr_outcomes.merged_at ELSE $8 END,
       updated_at = now()`,
    [
      change.repoId,
      change.prNumber,
      change.branch,
      change.state ?? null,
      change.reviewState ?? null,
      change.openedAt,
      change.closedAt ?? null,
      change.mergedAt ?? null,
    ],
  );
  return (recorded.rowCount ?? 0) > 0;
}

export const OUTCOME_GROUPS = ['engine', 'repository'] as const;
export type OutcomeGroup = (typeof OUTCOME_GROUPS)[number];

export type OutcomeRow = {
  key: string;
  pullRequests: number;
  merged: number;
  closedUnmerged: number;
  open: number;
  mergeRate: number | null;
  medianHoursToMerge: number | null;
  followUps: number;
  costUsd: number;
  costPerMergedUsd: number | null;
};

const KEY_SQL: Record<OutcomeGroup, string> = {
  engine: 't.engine',
  repository: `t.repo_owner || '/' || t.repo_name`,
};

export async function outcomesBy(
  db: Queryable,
  group: OutcomeGroup,
  range: { from: Date; to: Date; repoIds: number[] | undefined },
): Promise<OutcomeRow[]> {
  const rows = await db.query<Record<string, string | null>>(
    `WITH prs AS (
       SELECT o.*, ${KEY_SQL[group]} AS key,
              (SELECT count(*) FROM tasks f WHERE f.repo_id = o.repo_id AND f.follow_up_of_pr = o.pr_number) AS follow_ups,
              (SELECT coalesce(sum((r.report->>'costUsd')::numeric), 0) FROM task_results r JOIN tasks c ON c.id = r.task_id
                WHERE c.repo_id = o.repo_id AND (c.pr_number = o.pr_number OR c.follow_up_of_pr = o.pr_number)) AS cost
         FROM pr_outcomes o JOIN tasks t ON t.id = o.task_id
        WHERE o.opened_at >= $1 AND o.opened_at < $2
          AND ($3::bigint[] IS NULL OR o.repo_id = ANY($3::bigint[])))
     SELECT key, count(*)::int AS prs,
            count(*) FILTER (WHERE state = 'merged')::int AS merged,
            count(*) FILTER (WHERE state = 'closed')::int AS closed,
            count(*) FILTER (WHERE state = 'open')::int AS open,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM merged_at - opened_at) / 3600)
              FILTER (WHERE state = 'merged')::text AS median_hours,
            sum(follow_ups)::int AS follow_ups, sum(cost)::text AS cost
       FROM prs GROUP BY key ORDER BY key`,
    [range.from, range.to, range.repoIds ?? null],
  );
  return rows.rows.map((r) => {
    const merged = Number(r.merged);
    const closed = Number(r.closed);
    const cost = Number(r.cost ?? 0);
    return {
      key: String(r.key),
      pullRequests: Number(r.prs),
      merged,
      closedUnmerged: closed,
      open: Number(r.open),
      mergeRate: merged + closed > 0 ? merged / (merged + closed) : null,
      medianHoursToMerge: r.median_hours === null ? null : Number(r.median_hours),
      followUps: Number(r.follow_ups),
      costUsd: cost,
      costPerMergedUsd: merged > 0 ? cost / merged : null,
    };
  });
}
