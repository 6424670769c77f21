// The task as the rest of the App sees it (camelCase, typed); the store maps it from its row.
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { FrozenThread } from '../prompt/frozen-thread.ts';
import type { RepoConfig } from '../repo-config/schema.ts';
import type { TaskState } from './task-states.ts';

export type CommentKind = 'issue_comment' | 'review_comment';

/** What started a task: a command comment, or a schedule of `.github/agent.yml` (no comment, maybe no issue). */
export type TaskTrigger = 'comment' | 'schedule';

/** Where a person's action on a task came from, kept with its event. */
export type ActionVia = 'comment' | 'api' | 'dashboard';

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
  trigger: TaskTrigger;
  /** The issue or pull request of the task; null for a scheduled task without one. */
  issueNumber: number | null;
  isPullRequest: boolean;
  /** The command comment; null for a scheduled task. */
  commentKind: CommentKind | null;
  commentId: number | null;
  scheduleId: number | null;
  deliveryId: string | null;
  requesterLogin: string;
  requesterId: number;
  prompt: string;
  issueTitle: string;
  /** The thread text the prompt includes, frozen at request time (null: a task made before that). */
  thread: FrozenThread | null;
  /** 1, plus one for every edit of the request while it waited for approval. */
  requestRevision: number;
  /** When the request last changed while waiting for approval. */
  requestChangedAt: Date | null;
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
  approvedBy: string | null;
  approvedById: number | null;
  progress: { turns?: number | null; lastTool?: string | null; message?: string | null } | null;
  usage: TaskUsage | null;
  costUsd: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** A pipeline task's steps, frozen when it was requested (null: a single run). */
  pipeline: Pipeline | null;
  /** Where a pipeline task is: its step and round (the review loop's count). */
  stepIndex: number | null;
  stepRound: number | null;
  /** The attempt whose change a pipeline would publish (its last diff handoff). */
  changeAttempt: number | null;
};

/** Fields a transition or an update may set; the store maps each to its column. */
export const MUTABLE_FIELDS = [
  'prompt',
  'issueTitle',
  'thread',
  'requestRevision',
  'requestChangedAt',
  'approvedById',
  'workflowFile',
  'workflowRunId',
  'workflowRunUrl',
  'dispatchedAt',
  'baseBranch',
  'baseSha',
  'spec',
  'branch',
  'prNumber',
  'prUrl',
  'statusCommentId',
  'feedbackDigest',
  'commitSha',
  'approvedBy',
  'progress',
  'usage',
  'costUsd',
  'errorCode',
  'errorMessage',
  'attempt',
  'engine',
  'stepIndex',
  'stepRound',
  'changeAttempt',
] as const satisfies readonly (keyof Task)[];
export type MutableField = (typeof MUTABLE_FIELDS)[number];
export type TaskFields = Partial<Pick<Task, MutableField>>;

/**
 * What a new attempt of a task starts without: the previous run, its result and its error. A
 * pipeline's steps all start from the commit its first step started from (their handoffs are
 * changes against it), so only its spec is rebuilt.
 */
export function newAttemptFields(task: Pick<Task, 'attempt' | 'pipeline' | 'baseSha'>): TaskFields {
  return {
    attempt: task.attempt + 1,
    workflowRunId: null,
    workflowRunUrl: null,
    dispatchedAt: null,
    ...(task.pipeline && task.baseSha ? { spec: null } : { baseSha: null }),
    progress: null,
    usage: null,
    costUsd: null,
    errorCode: null,
    errorMessage: null,
  };
}

export function repoFullName(task: Pick<Task, 'repoOwner' | 'repoName'>): string {
  return `${task.repoOwner}/${task.repoName}`;
}
