// Reads of task history for the API and the dashboard: the task list (filters, newest first,
// keyset pagination by id), events after a cursor, and each attempt's reported usage.
import type { TaskState } from '../core/task/task-states.ts';
import type { Queryable } from '../platform/db/pool.ts';
import { eventFromRow, type TaskEventRow } from './task-events.ts';

export type TaskFilter = {
  /** Repository ids the caller may see; undefined: all (an operator). */
  repoIds: number[] | undefined;
  repoId?: number | undefined;
  states?: TaskState[] | undefined;
  requester?: string | undefined;
  engine?: string | undefined;
  createdAfter?: Date | undefined;
  createdBefore?: Date | undefined;
  /** Words in the prompt, issue title, requester or repository; a number also finds a task or issue. */
  search?: string | undefined;
  /** Tasks with an id below this (the cursor of the previous page). */
  beforeId?: number | undefined;
  /** Tasks with an id above this (the page before, read oldest first). */
  afterId?: number | undefined;
  limit: number;
};

export type TaskSummaryRow = {
  id: number;
  repoId: number;
  repoOwner: string;
  repoName: string;
  issueNumber: number | null;
  isPullRequest: boolean;
  requesterLogin: string;
  engine: string;
  state: TaskState;
  attempt: number;
  costUsd: number | null;
  prUrl: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** The start of the prompt and of the issue's title. */
  prompt: string;
  issueTitle: string;
};

type Row = Record<string, unknown>;
const maybe = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function summaryFromRow(r: Row): TaskSummaryRow {
  return {
    id: Number(r.id),
    repoId: Number(r.repo_id),
    repoOwner: String(r.repo_owner),
    repoName: String(r.repo_name),
    issueNumber: maybe(r.issue_number),
    isPullRequest: Boolean(r.is_pull_request),
    requesterLogin: String(r.requester_login),
    engine: String(r.engine),
    state: r.state as TaskState,
    attempt: Number(r.attempt),
    costUsd: maybe(r.cost_usd),
    prUrl: (r.pr_url as string | null) ?? null,
    errorCode: (r.error_code as string | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
    prompt: String(r.prompt ?? ''),
    issueTitle: String(r.issue_title ?? ''),
  };
}

/** How much of the prompt and the issue title a summary carries (a table shows the first line). */
const SUMMARY_TEXT = 500;
const SUMMARY_COLUMNS = `id, repo_id, repo_owner, repo_name, issue_number, is_pull_request, requester_login,
  engine, state, attempt, cost_usd, pr_url, error_code, error_message, created_at, updated_at, finished_at,
  left(prompt, ${SUMMARY_TEXT}) AS prompt, left(issue_title, ${SUMMARY_TEXT}) AS issue_title`;

/** `%text%` for ILIKE, with the pattern characters of the text taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function whereOf(filter: Omit<TaskFilter, 'limit'>): { where: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (filter.repoIds !== undefined) add((n) => `repo_id = ANY(${n}::bigint[])`, filter.repoIds);
  if (filter.repoId !== undefined) add((n) => `repo_id = ${n}`, filter.repoId);
  if (filter.states?.length) add((n) => `state = ANY(${n}::text[])`, filter.states);
  if (filter.requester) add((n) => `lower(requester_login) = lower(${n})`, filter.requester);
  if (filter.engine) add((n) => `engine = ${n}`, filter.engine);
  if (filter.createdAfter) add((n) => `created_at >= ${n}`, filter.createdAfter);
  if (filter.createdBefore) add((n) => `created_at < ${n}`, filter.createdBefore);
  const search = filter.search?.trim().replace(/^#/, '');
  if (search) {
    const number = /^\d{1,9}$/.test(search) ? Number(search) : undefined;
    add(
      (n) =>
        `(prompt ILIKE ${n} OR issue_title ILIKE ${n} OR requester_login ILIKE ${n}
          OR (repo_owner || '/' || repo_name) ILIKE ${n}${number === undefined ? '' : ` OR id = ${number} OR issue_number = ${number}`})`,
      containing(search),
    );
  }
  return { where: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', values };
}

/** Which of `ids` the filter keeps: the same conditions as listTasks (a row that changed live
 *  belongs on the page exactly when a reload would list it). */
export async function tasksMatching(
  db: Queryable,
  filter: Omit<TaskFilter, 'limit'>,
  ids: number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const { where, values } = whereOf(filter);
  values.push(ids);
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM tasks ${where ? `${where} AND` : 'WHERE'} id = ANY($${values.length}::bigint[])`,
    values,
  );
  return new Set(rows.rows.map((r) => Number(r.id)));
}

/**
 * One page of tasks, newest first; `limit + 1` rows are read to tell whether more follow. With
 * `afterId` (the page before this one), the rows are read oldest first and returned newest first.
 */
export async function listTasks(db: Queryable, filter: TaskFilter): Promise<TaskSummaryRow[]> {
  const { where, values } = whereOf(filter);
  const clauses = where ? [where] : [];
  const back = filter.afterId !== undefined && filter.beforeId === undefined;
  const cursor = back ? filter.afterId : filter.beforeId;
  if (cursor !== undefined) {
    values.push(cursor);
    clauses.push(`${clauses.length > 0 ? 'AND' : 'WHERE'} id ${back ? '>' : '<'} $${values.length}`);
  }
  values.push(filter.limit + 1);
  const rows = await db.query(
    `SELECT ${SUMMARY_COLUMNS} FROM tasks ${clauses.join(' ')}
      ORDER BY id ${back ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
    values,
  );
  const tasks = rows.rows.map(summaryFromRow);
  return back ? tasks.reverse() : tasks;
}

/** How many tasks of the filter are in each state (the filter's own states aside). */
/** How many tasks the filter keeps in each state (one scan of what the filter keeps). */
export async function countTasksByState(
  db: Queryable,
  filter: Omit<TaskFilter, 'limit' | 'states' | 'beforeId' | 'afterId'>,
): Promise<Map<TaskState, number>> {
  const { where, values } = whereOf(filter);
  const rows = await db.query<{ state: TaskState; n: number }>(
    `SELECT state, count(*)::int AS n FROM tasks ${where} GROUP BY state`,
    values,
  );
  return new Map(rows.rows.map((r) => [r.state, r.n]));
}

/** The summaries of some tasks, by id. */
export async function taskSummaries(db: Queryable, ids: number[]): Promise<TaskSummaryRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.query(`SELECT ${SUMMARY_COLUMNS} FROM tasks WHERE id = ANY($1::bigint[])`, [ids]);
  return rows.rows.map(summaryFromRow);
}

export async function taskEventsAfter(
  db: Queryable,
  taskId: number,
  afterSeq: number,
  limit: number,
): Promise<TaskEventRow[]> {
  const result = await db.query(
    `SELECT seq, type, from_state, to_state, actor, payload, created_at FROM task_events
      WHERE task_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [taskId, afterSeq, limit],
  );
  return result.rows.map(eventFromRow);
}

export type AttemptUsage = {
  attempt: number;
  outcome: string;
  runId: number;
  turns: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  durationMs: number | null;
  receivedAt: Date;
};

/** What each attempt's job reported (from its result). */
export async function attemptUsage(db: Queryable, taskId: number): Promise<AttemptUsage[]> {
  const rows = await db.query(
    `SELECT attempt, outcome, run_id, report, received_at FROM task_results WHERE task_id = $1 ORDER BY attempt`,
    [taskId],
  );
  return rows.rows.map((r) => {
    const report = (r.report ?? {}) as Record<string, unknown>;
    return {
      attempt: r.attempt,
      outcome: r.outcome,
      runId: Number(r.run_id),
      turns: maybe(report.turns),
      inputTokens: maybe(report.inputTokens),
      outputTokens: maybe(report.outputTokens),
      costUsd: maybe(report.costUsd),
      durationMs: maybe(report.durationMs),
      receivedAt: r.received_at,
    };
  });
}

/** The newest event number of a task (0 without any). */
export async function latestEventSeq(db: Queryable, taskId: number): Promise<number> {
  const row = await db.query<{ seq: number | null }>(
    'SELECT max(seq) AS seq FROM task_events WHERE task_id = $1',
    [taskId],
  );
  return Number(row.rows[0]?.seq ?? 0);
}

/** The id of a repository the App has tasks in, by its name (any case). */
export async function repoIdByName(db: Queryable, owner: string, name: string): Promise<number | undefined> {
  const row = await db.query<{ repo_id: string }>(
    `SELECT repo_id FROM tasks WHERE lower(repo_owner) = lower($1) AND lower(repo_name) = lower($2)
      ORDER BY id DESC LIMIT 1`,
    [owner, name],
  );
  return row.rows[0] ? Number(row.rows[0].repo_id) : undefined;
}
