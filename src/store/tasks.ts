// Task rows: creating a task (with its first event and follow-up jobs, in one transaction) and
// every read of the tasks table. State changes are in task-transitions.ts.
import { decideTaskLimit } from '../core/task/decide-task-limit.ts';
import type { Task } from '../core/task/task.ts';
import { ACTIVE_STATES, type TaskState } from '../core/task/task-states.ts';
import type { Db, Queryable } from '../platform/db/pool.ts';
import { metrics } from '../platform/metrics/metrics.ts';
import { addFollowUpJobs } from './jobs.ts';
import { appendEventRow } from './task-events.ts';
import { taskFromRow } from './task-rows.ts';
import { inTransaction, lockForTransaction } from './transactions.ts';

export type NewTask = Pick<
  Task,
  | 'installationId'
  | 'repoId'
  | 'repoOwner'
  | 'repoName'
  | 'issueNumber'
  | 'isPullRequest'
  | 'commentKind'
  | 'commentId'
  | 'deliveryId'
  | 'requesterLogin'
  | 'requesterId'
  | 'prompt'
  | 'issueTitle'
  | 'engine'
  | 'settings'
  | 'followUpOfPr'
  | 'branch'
> & {
  state: Extract<TaskState, 'queued' | 'awaiting_approval'>;
  thread?: Task['thread'];
  trigger?: Task['trigger'];
  scheduleId?: number | null;
  /** The branch to start from and open the pull request against (default: the default branch). */
  baseBranch?: string | null;
  pipeline?: Task['pipeline'];
};

export type CreateTaskResult =
  | { task: Task; created: boolean }
  | { rateLimited: { limit: number; retryAt: Date } };

/** The task a command comment made, if any. */
export async function taskOfComment(
  db: Queryable,
  kind: string,
  commentId: number,
): Promise<Task | undefined> {
  const found = await db.query('SELECT * FROM tasks WHERE comment_kind = $1 AND comment_id = $2', [
    kind,
    commentId,
  ]);
  return found.rows[0] ? taskFromRow(found.rows[0]) : undefined;
}

async function recentTasksOf(db: Queryable, repoId: number, requesterId: number) {
  const recent = await db.query<{ n: number; oldest: Date | null }>(
    `SELECT count(*)::int AS n, min(created_at) AS oldest FROM tasks
     WHERE repo_id = $1 AND requester_id = $2 AND created_at > now() - interval '1 hour'`,
    [repoId, requesterId],
  );
  const row = recent.rows[0];
  return { count: row?.n ?? 0, oldest: row?.oldest ?? null };
}

async function insertTask(db: Queryable, input: NewTask): Promise<Task | undefined> {
  const inserted = await db.query(
    `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number, is_pull_request,
       comment_kind, comment_id, delivery_id, requester_login, requester_id, command, prompt, issue_title,
       engine, settings, state, follow_up_of_pr, branch, workflow_file, thread, trigger, schedule_id,
       base_branch, pipeline, step_index, step_round)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $21, $12, $13, $14, $15, $16, $17, $18, $19, $20,
       $22, $23, $24, $25, $26, $27)
     ON CONFLICT (comment_kind, comment_id) DO NOTHING
     RETURNING *`,
    [
      input.installationId,
      input.repoId,
      input.repoOwner,
      input.repoName,
      input.issueNumber,
      input.isPullRequest,
      input.commentKind,
      input.commentId,
      input.deliveryId,
      input.requesterLogin,
      input.requesterId,
      input.prompt,
      input.issueTitle,
      input.engine,
      JSON.stringify(input.settings),
      input.state,
      input.followUpOfPr,
      input.branch,
      input.settings.workflow,
      input.thread ? JSON.stringify(input.thread) : null,
      input.pipeline ? `pipeline:${input.pipeline.name}` : 'run',
      input.trigger ?? 'comment',
      input.scheduleId ?? null,
      input.baseBranch ?? null,
      input.pipeline ? JSON.stringify(input.pipeline) : null,
      input.pipeline ? 0 : null,
      input.pipeline ? 1 : null,
    ],
  );
  return inserted.rows[0] ? taskFromRow(inserted.rows[0]) : undefined;
}

/**
 * Inside the caller's transaction: the per-user hourly limit (counted under a lock per
 * repository and user, so simultaneous requests cannot slip past it), the row, its `created`
 * event and its follow-up jobs. Undefined when the row already exists (its comment made it).
 */
export async function insertNewTask(
  client: Queryable,
  input: NewTask,
  options: { perUserPerHour?: number | undefined },
): Promise<{ task: Task } | { rateLimited: { limit: number; retryAt: Date } } | undefined> {
  if (options.perUserPerHour !== undefined) {
    await lockForTransaction(client, 'taskLimit', `rate:${input.repoId}:${input.requesterId}`);
    const limit = decideTaskLimit(
      await recentTasksOf(client, input.repoId, input.requesterId),
      options.perUserPerHour,
    );
    if (!limit.allowed) return { rateLimited: { limit: limit.limit, retryAt: limit.retryAt } };
  }
  const task = await insertTask(client, input);
  if (!task) return undefined;
  await appendEventRow(client, task.id, {
    type: 'created',
    actor: input.requesterLogin,
    to: task.state,
    payload: {
      engine: task.engine,
      deliveryId: input.deliveryId,
      trigger: task.trigger,
      ...(task.pipeline && { pipeline: task.pipeline.name, steps: task.pipeline.steps.map((s) => s.name) }),
      ...(task.scheduleId !== null && { scheduleId: task.scheduleId }),
    },
  });
  await addFollowUpJobs(client, null, task);
  metrics.transitions.inc({ type: 'created', to: task.state });
  return { task };
}

/**
 * Creates the task and its `created` event, or returns the task this comment already made. With
 * a per-user hourly limit, the count and the insert happen under a lock per (repository, user),
 * so simultaneous requests cannot slip past it.
 */
export async function createTask(
  pool: Db,
  input: NewTask,
  options: { perUserPerHour?: number } = {},
): Promise<CreateTaskResult> {
  return inTransaction(pool, async (client) => {
    const byComment = () =>
      input.commentKind !== null && input.commentId !== null
        ? taskOfComment(client, input.commentKind, input.commentId)
        : Promise.resolve(undefined);
    const existing = await byComment();
    if (existing) return { task: existing, created: false };
    const made = await insertNewTask(client, input, options);
    // Another transaction made it between our check and our insert.
    if (!made) return { task: (await byComment())!, created: false };
    if ('rateLimited' in made) return made;
    return { task: made.task, created: true };
  });
}

/** Narrows a creation result for callers that do not rate-limit. */
export function createdTask(result: CreateTaskResult): { task: Task; created: boolean } {
  if ('rateLimited' in result) throw new Error('unexpected rate limit');
  return result;
}

export async function getTask(db: Queryable, id: number): Promise<Task | undefined> {
  const result = await db.query('SELECT * FROM tasks WHERE id = $1', [id]);
  return result.rows[0] ? taskFromRow(result.rows[0]) : undefined;
}

/** How long ago the task was recorded, on the database's clock (the one `created_at` was set by). */
export async function taskAgeMs(db: Queryable, id: number): Promise<number | undefined> {
  const result = await db.query<{ age_ms: number }>(
    'SELECT (extract(epoch FROM clock_timestamp() - created_at) * 1000)::float8 AS age_ms FROM tasks WHERE id = $1',
    [id],
  );
  return result.rows[0]?.age_ms;
}

/** The task, locked until the caller's transaction ends. */
export async function lockTask(db: Queryable, id: number): Promise<Task | undefined> {
  const result = await db.query('SELECT * FROM tasks WHERE id = $1 FOR UPDATE', [id]);
  return result.rows[0] ? taskFromRow(result.rows[0]) : undefined;
}

export async function findTaskByRunId(db: Queryable, runId: number): Promise<Task | undefined> {
  const result = await db.query('SELECT * FROM tasks WHERE workflow_run_id = $1', [runId]);
  return result.rows[0] ? taskFromRow(result.rows[0]) : undefined;
}

export async function tasksOfIssue(db: Queryable, repoId: number, issueNumber: number): Promise<Task[]> {
  const result = await db.query('SELECT * FROM tasks WHERE repo_id = $1 AND issue_number = $2 ORDER BY id', [
    repoId,
    issueNumber,
  ]);
  return result.rows.map(taskFromRow);
}

/** Whether the App published to this pull request's branch (it is an agent's pull request). */
export async function isAgentPullRequest(db: Queryable, repoId: number, prNumber: number, branch: string) {
  const published = await db.query(
    'SELECT 1 FROM tasks WHERE repo_id = $1 AND pr_number = $2 AND branch = $3 LIMIT 1',
    [repoId, prNumber, branch],
  );
  return (published.rowCount ?? 0) > 0;
}

/** The tasks that put a commit on a pull request, the latest first (the one its head's check
 *  tells about); their requesters are whom the review gate counts out. */
export async function publishedTasksOfPullRequest(
  db: Queryable,
  repoId: number,
  prNumber: number,
): Promise<Task[]> {
  const result = await db.query(
    `SELECT * FROM tasks WHERE repo_id = $1 AND pr_number = $2 AND commit_sha IS NOT NULL
      ORDER BY id DESC`,
    [repoId, prNumber],
  );
  return result.rows.map(taskFromRow);
}

/** A repository's queued tasks, oldest first. */
export async function queuedTasks(db: Queryable, repoId: number): Promise<Task[]> {
  const queued = await db.query(`SELECT * FROM tasks WHERE repo_id = $1 AND state = 'queued' ORDER BY id`, [
    repoId,
  ]);
  return queued.rows.map(taskFromRow);
}

/** How many of a repository's tasks hold a concurrency slot. */
/** Whether the repository ever had a task (its first command is checked against its setup). */
export async function repoHasTasks(db: Queryable, repoId: number): Promise<boolean> {
  const result = await db.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM tasks WHERE repo_id = $1) AS found',
    [repoId],
  );
  return result.rows[0]?.found ?? false;
}

export async function countActive(db: Queryable, repoId: number): Promise<number> {
  const active = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM tasks WHERE repo_id = $1 AND state = ANY($2)',
    [repoId, ACTIVE_STATES],
  );
  return active.rows[0]?.n ?? 0;
}

/** For a queued task: the repository's busy slots, and the task's place in line. */
export async function queuePosition(
  db: Queryable,
  task: Task,
): Promise<{ running: number; position: number }> {
  const result = await db.query<{ running: number; position: number }>(
    `SELECT count(*) FILTER (WHERE state = ANY($2))::int AS running,
            count(*) FILTER (WHERE state = 'queued' AND id <= $3)::int AS position
       FROM tasks WHERE repo_id = $1`,
    [task.repoId, ACTIVE_STATES, task.id],
  );
  return result.rows[0] ?? { running: 0, position: 0 };
}

/** Whether a task of the repository is being dispatched and has not stored its run id yet. */
export async function hasDispatchWithoutRun(
  db: Queryable,
  repoId: number,
  taskId?: number,
): Promise<boolean> {
  const pending = await db.query(
    `SELECT 1 FROM tasks WHERE repo_id = $1 AND state = 'dispatched' AND workflow_run_id IS NULL
        AND ($2::bigint IS NULL OR id = $2) LIMIT 1`,
    [repoId, taskId ?? null],
  );
  return (pending.rowCount ?? 0) > 0;
}
