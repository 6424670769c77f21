// A task's row and the Task the App works with: column names, types, JSON columns.
import type { Pipeline } from '../core/pipeline/pipeline.ts';
import type { FrozenThread } from '../core/prompt/frozen-thread.ts';
import type { RepoConfig } from '../core/repo-config/schema.ts';
import type {
  CommentKind,
  MutableField,
  Task,
  TaskFields,
  TaskTrigger,
  TaskUsage,
} from '../core/task/task.ts';
import type { TaskState } from '../core/task/task-states.ts';

/** The column of every field a transition or an update may set. */
const COLUMNS = {
  prompt: 'prompt',
  issueTitle: 'issue_title',
  thread: 'thread',
  requestRevision: 'request_revision',
  requestChangedAt: 'request_changed_at',
  approvedById: 'approved_by_id',
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
  approvedBy: 'approved_by',
  progress: 'progress',
  usage: 'usage',
  costUsd: 'cost_usd',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  attempt: 'attempt',
  engine: 'engine',
  stepIndex: 'step_index',
  stepRound: 'step_round',
  changeAttempt: 'change_attempt',
} as const satisfies Record<MutableField, string>;

/** `, col = $n` for each set field, numbered from `firstParam`, with the values in order. */
export function assignments(fields: TaskFields, firstParam: number): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of Object.entries(fields)) {
    const column = COLUMNS[field as MutableField];
    if (!column || value === undefined) continue;
    values.push(
      value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value,
    );
    parts.push(`${column} = $${firstParam + values.length - 1}`);
  }
  return { sql: parts.map((p) => `, ${p}`).join(''), values };
}

export type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function taskFromRow(row: Row): Task {
  return {
    id: Number(row.id),
    installationId: Number(row.installation_id),
    repoId: Number(row.repo_id),
    repoOwner: String(row.repo_owner),
    repoName: String(row.repo_name),
    trigger: (row.trigger as TaskTrigger | undefined) ?? 'comment',
    issueNumber: num(row.issue_number),
    isPullRequest: Boolean(row.is_pull_request),
    commentKind: (row.comment_kind as CommentKind | null) ?? null,
    commentId: num(row.comment_id),
    scheduleId: num(row.schedule_id),
    deliveryId: (row.delivery_id as string | null) ?? null,
    requesterLogin: String(row.requester_login),
    requesterId: Number(row.requester_id),
    prompt: String(row.prompt),
    issueTitle: String(row.issue_title ?? ''),
    thread: (row.thread as FrozenThread | null) ?? null,
    requestRevision: Number(row.request_revision ?? 1),
    requestChangedAt: (row.request_changed_at as Date | null) ?? null,
    engine: String(row.engine),
    settings: row.settings as RepoConfig,
    state: row.state as TaskState,
    version: Number(row.version),
    attempt: Number(row.attempt),
    workflowFile: (row.workflow_file as string | null) ?? null,
    workflowRunId: num(row.workflow_run_id),
    workflowRunUrl: (row.workflow_run_url as string | null) ?? null,
    dispatchedAt: (row.dispatched_at as Date | null) ?? null,
    baseBranch: (row.base_branch as string | null) ?? null,
    baseSha: (row.base_sha as string | null) ?? null,
    spec: (row.spec as Record<string, unknown> | null) ?? null,
    followUpOfPr: num(row.follow_up_of_pr),
    branch: (row.branch as string | null) ?? null,
    prNumber: num(row.pr_number),
    prUrl: (row.pr_url as string | null) ?? null,
    statusCommentId: num(row.status_comment_id),
    feedbackDigest: (row.feedback_digest as string | null) ?? null,
    commitSha: (row.commit_sha as string | null) ?? null,
    approvedBy: (row.approved_by as string | null) ?? null,
    approvedById: num(row.approved_by_id),
    progress: (row.progress as Task['progress']) ?? null,
    usage: (row.usage as TaskUsage | null) ?? null,
    costUsd: num(row.cost_usd),
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
    pipeline: (row.pipeline as Pipeline | null) ?? null,
    stepIndex: num(row.step_index),
    stepRound: num(row.step_round),
    changeAttempt: num(row.change_attempt),
  };
}
