// Usage rolled up: what the jobs reported (cost, tokens, turns; every attempt counts) per
// repository, user, engine or day, and what one requester spent this month in a repository.
import type { Queryable } from '../platform/db/pool.ts';

export const USAGE_GROUPS = ['repository', 'user', 'engine', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export type UsageRow = {
  key: string;
  tasks: number;
  attempts: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  turns: number;
};

const GROUP_SQL: Record<UsageGroup, string> = {
  repository: `t.repo_owner || '/' || t.repo_name`,
  user: 't.requester_login',
  engine: 't.engine',
  day: `to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

export async function usageBy(
  db: Queryable,
  group: UsageGroup,
  range: { from: Date; to: Date; repoIds: number[] | undefined },
): Promise<UsageRow[]> {
  const rows = await db.query<Record<string, string>>(
    `SELECT ${GROUP_SQL[group]} AS key,
            count(DISTINCT t.id)::int AS tasks, count(*)::int AS attempts,
            coalesce(sum((r.report->>'costUsd')::numeric), 0)::text AS cost,
            coalesce(sum((r.report->>'inputTokens')::bigint), 0)::text AS input_tokens,
            coalesce(sum((r.report->>'outputTokens')::bigint), 0)::text AS output_tokens,
            coalesce(sum((r.report->>'turns')::bigint), 0)::text AS turns
       FROM task_results r JOIN tasks t ON t.id = r.task_id
      WHERE r.received_at >= $1 AND r.received_at < $2
        AND ($3::bigint[] IS NULL OR t.repo_id = ANY($3::bigint[]))
      GROUP BY 1 ORDER BY 1`,
    [range.from, range.to, range.repoIds ?? null],
  );
  return rows.rows.map((r) => ({
    key: String(r.key),
    tasks: Number(r.tasks),
    attempts: Number(r.attempts),
    costUsd: Number(r.cost),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    turns: Number(r.turns),
  }));
}

/** What one requester's tasks in a repository cost this calendar month (UTC). */
export async function monthlyUserSpendUsd(
  db: Queryable,
  repoId: number,
  requesterId: number,
): Promise<number> {
  const result = await db.query<{ spent: string }>(
    `SELECT coalesce(sum((r.report->>'costUsd')::numeric), 0)::text AS spent
       FROM task_results r JOIN tasks t ON t.id = r.task_id
      WHERE t.repo_id = $1 AND t.requester_id = $2
        AND r.received_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    [repoId, requesterId],
  );
  return Number(result.rows[0]?.spent ?? 0);
}

export type DailyUsageRow = { day: string; key: string; costUsd: number; tokens: number; attempts: number };

/** Cost and tokens per UTC day and per repository, user or engine (the usage charts). */
export async function usageByDay(
  db: Queryable,
  group: Exclude<UsageGroup, 'day'>,
  range: { from: Date; to: Date; repoIds: number[] | undefined },
): Promise<DailyUsageRow[]> {
  const rows = await db.query<Record<string, string>>(
    `SELECT ${GROUP_SQL.day} AS day, ${GROUP_SQL[group]} AS key, count(*)::int AS attempts,
            coalesce(sum((r.report->>'costUsd')::numeric), 0)::text AS cost,
            coalesce(sum(coalesce((r.report->>'inputTokens')::bigint, 0) + coalesce((r.report->>'outputTokens')::bigint, 0)), 0)::text AS tokens
       FROM task_results r JOIN tasks t ON t.id = r.task_id
      WHERE r.received_at >= $1 AND r.received_at < $2
        AND ($3::bigint[] IS NULL OR t.repo_id = ANY($3::bigint[]))
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [range.from, range.to, range.repoIds ?? null],
  );
  return rows.rows.map((r) => ({
    day: String(r.day),
    key: String(r.key),
    costUsd: Number(r.cost),
    tokens: Number(r.tokens),
    attempts: Number(r.attempts),
  }));
}
