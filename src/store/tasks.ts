// Tasks in Postgres: the row and its first event in one transaction; every state change checked
// against the transition table, applied with optimistic locking on `version`, appended to
// `task_events`, and followed by the queue jobs it implies — all in the same transaction.

import { followUpJobs } from '../core/task/follow-up-jobs.ts';
import { type Task, taskFromRow } from '../core/task/task.ts';
import { isTerminal, nextState, type TaskState, type TransitionType } from '../core/task/task-states.ts';
import { type Db, inTransaction, type Queryable } from '../platform/db/pool.ts';
import { enqueue } from '../queue/enqueue.ts';

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
> & { state: Extract<TaskState, 'queued' | 'awaiting_approval'> };

/** Columns a transition or an update may set, by field name. */
const COLUMNS = {
  workflowFile: 'workflow_file',
  workflowRunId: 'workflow_run_id',
  workflowRunUrl: 'workflow_run_url',
  dispatchedAt: 'dispatched_at',
  baseBranch: 'base_branch',
  baseSha: 'base_sha',
  spec: 'spec',
  branch: 'branch',
  prNumber: 'pr_number',
  prUrl: 'pr_url',
  statusCommentId: 'status_comment_id',
  feedbackDigest: 'feedback_digest',
  commitSha: 'commit_sha',
  checkRunId: 'check_run_id',
  approvedBy: 'approved_by',
  progress: 'progress',
  usage: 'usage',
  costUsd: 'cost_usd',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  attempt: 'attempt',
} as const satisfies Partial<Record<keyof Task, string>>;

export type TaskFields = Partial<Pick<Task, keyof typeof COLUMNS>>;

/** What a new attempt of a task starts without: the previous run, its result and its error. */
export function newAttemptFields(task: Pick<Task, 'attempt'>): TaskFields {
  return {
    attempt: task.attempt + 1,
    workflowRunId: null,
    workflowRunUrl: null,
    dispatchedAt: null,
    baseSha: null,
    progress: null,
    usage: null,
    costUsd: null,
    errorCode: null,
    errorMessage: null,
  };
}

function assignments(fields: TaskFields, firstParam: number): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of Object.entries(fields)) {
    const column = COLUMNS[field as keyof typeof COLUMNS];
    if (!column || value === undefined) continue;
    values.push(
      value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value,
    );
    parts.push(`${column} = $${firstParam + values.length - 1}`);
  }
  return { sql: parts.map((p) => `, ${p}`).join(''), values };
}

async function appendEventRow(
  db: Queryable,
  taskId: number,
  event: { type: string; actor: string; payload?: object; from?: TaskState | null; to?: TaskState | null },
): Promise<number> {
  const seq = await db.query<{ event_seq: number }>(
    'UPDATE tasks SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq',
    [taskId],
  );
  const n = seq.rows[0]?.event_seq;
  if (n === undefined) throw new Error(`task ${taskId} does not exist`);
  await db.query(
    `INSERT INTO task_events (task_id, seq, type, from_state, to_state, actor, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      taskId,
      n,
      event.type,
      event.from ?? null,
      event.to ?? null,
      event.actor,
      JSON.stringify(event.payload ?? {}),
    ],
  );
  return n;
}

export type CreateTaskResult =
  | { task: Task; created: boolean }
  | { rateLimited: { limit: number; retryAt: Date } };

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
    const existing = await client.query('SELECT * FROM tasks WHERE comment_kind = $1 AND comment_id = $2', [
      input.commentKind,
      input.commentId,
    ]);
    if (existing.rows[0]) return { task: taskFromRow(existing.rows[0]), created: false };
    if (options.perUserPerHour !== undefined) {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [
        `rate:${input.repoId}:${input.requesterId}`,
      ]);
      const recent = await client.query<{ n: number; oldest: Date | null }>(
        `SELECT count(*)::int AS n, min(created_at) AS oldest FROM tasks
         WHERE repo_id = $1 AND requester_id = $2 AND created_at > now() - interval '1 hour'`,
        [input.repoId, input.requesterId],
      );
      const { n, oldest } = recent.rows[0] ?? { n: 0, oldest: null };
      if (n >= options.perUserPerHour && oldest) {
        return {
          rateLimited: {
            limit: options.perUserPerHour,
            retryAt: new Date(oldest.getTime() + 60 * 60 * 1000),
          },
        };
      }
    }
    const inserted = await client.query(
      `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number, is_pull_request,
         comment_kind, comment_id, delivery_id, requester_login, requester_id, command, prompt, issue_title,
         engine, settings, state, follow_up_of_pr, branch, workflow_file)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'run', $12, $13, $14, $15, $16, $17, $18, $19)
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
      ],
    );
    const row = inserted.rows[0];
    if (!row) {
      // Another transaction made it between our check and our insert.
      const again = await client.query('SELECT * FROM tasks WHERE comment_kind = $1 AND comment_id = $2', [
        input.commentKind,
        input.commentId,
      ]);
      return { task: taskFromRow(again.rows[0]), created: false };
    }
    const task = taskFromRow(row);
    await appendEventRow(client, task.id, {
      type: 'created',
      actor: input.requesterLogin,
      to: task.state,
      payload: { engine: task.engine, deliveryId: input.deliveryId },
    });
    for (const job of followUpJobs(null, task)) await enqueue(client, job.task, job.payload, job.options);
    return { task, created: true };
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

export type TransitionOutcome =
  | { ok: true; task: Task; from: TaskState }
  | { ok: false; reason: string; task: Task | undefined };

export type TransitionRequest = {
  type: TransitionType;
  actor: string;
  payload?: object;
  fields?: TaskFields;
  /** Refuse unless the task is (still) in one of these states. */
  onlyFrom?: readonly TaskState[];
};

const MAX_OPTIMISTIC_RETRIES = 5;

/**
 * Applies one transition inside the caller's transaction, if the task still has the version it
 * was read with. Returns undefined when someone changed it in between, or the reason it is not
 * allowed from its state.
 */
export async function applyTransition(
  client: Queryable,
  task: Task,
  request: TransitionRequest,
): Promise<Task | { refused: string } | undefined> {
  if (request.onlyFrom && !request.onlyFrom.includes(task.state))
    return { refused: `task ${task.id} is ${task.state}` };
  const decision = nextState(task.state, request.type);
  if (!decision.ok) return { refused: decision.reason };
  const set = assignments(request.fields ?? {}, 5);
  const updated = await client.query(
    `UPDATE tasks SET state = $3, version = version + 1, updated_at = now(),
       finished_at = CASE WHEN $4 THEN now() ELSE NULL END ${set.sql}
     WHERE id = $1 AND version = $2
     RETURNING *`,
    [task.id, task.version, decision.to, isTerminal(decision.to), ...set.values],
  );
  const row = updated.rows[0];
  if (!row) return undefined;
  await appendEventRow(client, task.id, {
    type: request.type,
    actor: request.actor,
    from: task.state,
    to: decision.to,
    payload: request.payload,
  });
  const next = taskFromRow(row);
  for (const job of followUpJobs(task.state, next)) await enqueue(client, job.task, job.payload, job.options);
  return next;
}

/**
 * Moves a task along the transition table. On a concurrent change (version moved) it reloads and
 * decides again, so the decision is always made on the current state.
 */
export async function transitionTask(
  pool: Db,
  taskId: number,
  request: TransitionRequest,
): Promise<TransitionOutcome> {
  for (let round = 0; round < MAX_OPTIMISTIC_RETRIES; round++) {
    const task = await getTask(pool, taskId);
    if (!task) return { ok: false, reason: `task ${taskId} does not exist`, task: undefined };
    const outcome = await inTransaction(pool, (client) => applyTransition(client, task, request));
    if (outcome === undefined) continue;
    if ('refused' in outcome) return { ok: false, reason: outcome.refused, task };
    return { ok: true, task: outcome, from: task.state };
  }
  throw new Error(`task ${taskId}: too many concurrent changes`);
}

/** Sets fields that are not part of the state machine (ids of things made on GitHub, progress). */
export async function updateTaskFields(db: Queryable, taskId: number, fields: TaskFields): Promise<void> {
  const set = assignments(fields, 2);
  if (set.values.length === 0) return;
  await db.query(`UPDATE tasks SET updated_at = now() ${set.sql} WHERE id = $1`, [taskId, ...set.values]);
}

/** Records something that happened to a task without changing its state. */
export async function appendTaskEvent(
  pool: Db,
  taskId: number,
  event: { type: string; actor: string; payload?: object },
): Promise<number> {
  return inTransaction(pool, (client) => appendEventRow(client, taskId, event));
}

export type TaskEventRow = {
  seq: number;
  type: string;
  fromState: TaskState | null;
  toState: TaskState | null;
  actor: string;
  payload: Record<string, unknown>;
  createdAt: Date;
};

export async function taskEvents(db: Queryable, taskId: number): Promise<TaskEventRow[]> {
  const result = await db.query(
    'SELECT seq, type, from_state, to_state, actor, payload, created_at FROM task_events WHERE task_id = $1 ORDER BY seq',
    [taskId],
  );
  return result.rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    fromState: r.from_state,
    toState: r.to_state,
    actor: r.actor,
    payload: r.payload,
    createdAt: r.created_at,
  }));
}
