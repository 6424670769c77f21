// Rows as the API shows them (the shapes of schemas.ts): camelCase, ISO times, links.
import type { z } from 'zod';
import { liveTaskUrl } from '../../core/task/live-page.ts';
import type { Task } from '../../core/task/task.ts';
import type { TaskEventRow } from '../../store/task-events.ts';
import type { AttemptUsage, TaskSummaryRow } from '../../store/task-history.ts';
import type { StoredTranscriptEvent } from '../../store/transcripts.ts';
import type {
  attemptUsageSchema,
  taskEventSchema,
  taskSummarySchema,
  transcriptItemSchema,
} from './schemas.ts';

export const API_PREFIX = '/api/v1';

export type Urls = { publicUrl: string; githubWebUrl: string };

const iso = (value: Date) => value.toISOString();

export function presentSummary(urls: Urls, task: TaskSummaryRow | Task): z.input<typeof taskSummarySchema> {
  const kind = task.isPullRequest ? 'pull' : 'issues';
  return {
    id: task.id,
    repository: `${task.repoOwner}/${task.repoName}`,
    repositoryId: task.repoId,
    issueNumber: task.issueNumber,
    pullRequest: task.isPullRequest,
    requester: task.requesterLogin,
    engine: task.engine,
    state: task.state,
    attempt: task.attempt,
    costUsd: task.costUsd,
    pullRequestUrl: task.prUrl,
    error: task.errorMessage === null ? null : { code: task.errorCode, message: task.errorMessage },
    createdAt: iso(task.createdAt),
    updatedAt: iso(task.updatedAt),
    finishedAt: task.finishedAt ? iso(task.finishedAt) : null,
    links: {
      self: `${urls.publicUrl}${API_PREFIX}/tasks/${task.id}`,
      html:
        task.issueNumber === null
          ? `${urls.githubWebUrl}/${task.repoOwner}/${task.repoName}`
          : `${urls.githubWebUrl}/${task.repoOwner}/${task.repoName}/${kind}/${task.issueNumber}`,
      live: liveTaskUrl(urls.publicUrl, task.id),
    },
  };
}

export function presentEvent(event: TaskEventRow): z.input<typeof taskEventSchema> {
  return {
    seq: event.seq,
    type: event.type,
    fromState: event.fromState,
    toState: event.toState,
    actor: event.actor,
    payload: event.payload ?? {},
    createdAt: iso(event.createdAt),
  };
}

export function presentAttempt(usage: AttemptUsage): z.input<typeof attemptUsageSchema> {
  const { receivedAt, ...figures } = usage;
  return { ...figures, reportedAt: iso(receivedAt) };
}

export function presentTranscriptItem(item: StoredTranscriptEvent): z.input<typeof transcriptItemSchema> {
  return { id: item.id, attempt: item.attempt, at: iso(item.createdAt), event: item.event };
}

/** Cursors are opaque to clients: the last id seen, encoded. */
export function encodeCursor(id: number): string {
  return Buffer.from(`c${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number | undefined | 'invalid' {
  if (cursor === undefined || cursor === '') return undefined;
  const match = /^c(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : 'invalid';
}

function total(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

export function usageTotal(attempts: AttemptUsage[]) {
  return {
    turns: total(attempts.map((a) => a.turns)),
    inputTokens: total(attempts.map((a) => a.inputTokens)),
    outputTokens: total(attempts.map((a) => a.outputTokens)),
    costUsd: total(attempts.map((a) => a.costUsd)),
  };
}
