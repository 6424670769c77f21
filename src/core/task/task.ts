// The task as the rest of the App sees it (camelCase, typed), mapped from its row.
import type { RepoConfig } from '../repo-config/schema.ts';
import type { TaskState } from './task-states.ts';

export type CommentKind = 'issue_comment' | 'review_comment';

export type TaskUsage = {
  turns: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  durationMs: number | null;
  engineVersion: string | null;
  model: string | null;
};

export type Task = {
  id: number;
  installationId: number;
  repoId: number;
  repoOwner: string;
  repoName: string;
  issueNumber: number;
  isPullRequest: boolean;
  commentKind: CommentKind;
  commentId: number;
  deliveryId: string | null;
  requesterLogin: string;
  requesterId: number;
  prompt: string;
  issueTitle: string;
  engine: string;
  settings: RepoConfig;
  state: TaskState;
  version: number;
  attempt: number;
  workflowFile: string | null;
  workflowRunId: number | null;
  workflowRunUrl: string | null;
  dispatchedAt: Date | null;
  baseBranch: string | null;
  baseSha: string | null;
  spec: Record<string, unknown> | null;
  followUpOfPr: number | null;
  branch: string | null;
  prNumber: number | null;
  prUrl: string | null;
  statusCommentId: number | null;
  feedbackDigest: string | null;
  commitSha: string | null;
  checkRunId: number | null;
  approvedBy: string | null;
  progress: { turns?: number | null; lastTool?: string | null; message?: string | null } | null;
  usage: TaskUsage | null;
  costUsd: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
};

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function taskFromRow(row: Row): Task {
  return {
    id: Number(row.id),
    installationId: Number(row.installation_id),
    repoId: Number(row.repo_id),
    repoOwner: String(row.repo_owner),
    repoName: String(row.repo_name),
    issueNumber: Number(row.issue_number),
    isPullRequest: Boolean(row.is_pull_request),
    commentKind: row.comment_kind as CommentKind,
    commentId: Number(row.comment_id),
    deliveryId: (row.delivery_id as string | null) ?? null,
    requesterLogin: String(row.requester_login),
    requesterId: Number(row.requester_id),
    prompt: String(row.prompt),
    issueTitle: String(row.issue_title ?? ''),
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
    checkRunId: num(row.check_run_id),
    approvedBy: (row.approved_by as string | null) ?? null,
    progress: (row.progress as Task['progress']) ?? null,
    usage: (row.usage as TaskUsage | null) ?? null,
    costUsd: num(row.cost_usd),
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
  };
}

export function repoFullName(task: Pick<Task, 'repoOwner' | 'repoName'>): string {
  return `${task.repoOwner}/${task.repoName}`;
}
