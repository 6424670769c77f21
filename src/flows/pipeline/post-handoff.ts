// Posts what a pipeline step handed on for approval (the plan) in the task's thread, once: the
// comment shows the exact text whose SHA-256 an approval records, and its digest is kept, so an
// approval can tell whether someone edited the comment since. An edit of it is refused: the
// comment is put back as the App wrote it (the next step receives the stored text in any case).
import { createHash } from 'node:crypto';
import type { StepRecord } from '../../core/pipeline/step-record.ts';
import { marker } from '../../core/render/marker.ts';
import { handoffComment } from '../../core/render/pipeline-checklist.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { appendTaskEvent } from '../../store/task-events.ts';
import { setStepComment, stepRun, stepRunOfComment } from '../../store/task-steps.ts';
import { getTask } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import type { CommandSource } from '../command/command-source.ts';

export const digestOf = (body: string) => createHash('sha256').update(body).digest('hex');

async function findPosted(octokit: Octokit, task: Task, tag: string, since: Date) {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: task.repoOwner,
    repo: task.repoName,
    issue_number: task.issueNumber!,
    since: new Date(since.getTime() - 60_000).toISOString(),
    per_page: 100,
  });
  const found = comments.find((c) => c.body?.startsWith(tag));
  return found ? { id: found.id } : undefined;
}

export async function postHandoff(deps: AppDeps, taskId: number, attempt: number): Promise<void> {
  const task = await getTask(deps.pool, taskId);
  const run = task ? await stepRun(deps.pool, taskId, attempt) : undefined;
  if (!task || !run || run.commentId !== null || task.issueNumber === null) return;
  const octokit = deps.github.forRepo(task.installationId, task.repoId, 'respond');
  const body = handoffComment(task, run);
  const tag = marker('handoff', `${task.id}:${run.attempt}`);
  const posted = await once(deps.pool, `handoff-comment:${task.id}:${attempt}`, {
    find: () => findPosted(octokit, task, tag, run.startedAt),
    perform: async () => ({
      id: (
        await octokit.rest.issues.createComment({
          owner: task.repoOwner,
          repo: task.repoName,
          issue_number: task.issueNumber!,
          body,
        })
      ).data.id,
    }),
  });
  await setStepComment(deps.pool, task.id, attempt, { id: posted.id, digest: digestOf(body) });
}

/** Puts a handoff comment back as the App wrote it. */
export async function restoreHandoffComment(octokit: Octokit, task: Task, run: StepRecord): Promise<void> {
  await octokit.rest.issues.updateComment({
    owner: task.repoOwner,
    repo: task.repoName,
    comment_id: run.commentId!,
    body: handoffComment(task, run),
  });
}

/**
 * Someone edited a handoff comment: the edit is refused (recorded, and the comment restored).
 * False when the comment is not one.
 */
export async function refuseHandoffEdit(
  deps: AppDeps,
  edit: { installationId: number; repoId: number; commentId: number; editor: string },
): Promise<boolean> {
  const run = await stepRunOfComment(deps.pool, edit.commentId);
  const task = run ? await getTask(deps.pool, run.taskId) : undefined;
  if (!run || !task || task.repoId !== edit.repoId) return false;
  const octokit = deps.github.forRepo(edit.installationId, edit.repoId, 'respond');
  await restoreHandoffComment(octokit, task, run);
  await appendTaskEvent(deps.pool, task.id, {
    type: 'handoff_edit_refused',
    actor: edit.editor,
    payload: { attempt: run.attempt, step: run.name, sha256: run.handoffSha256, commentId: edit.commentId },
  });
  deps.log.info({ taskId: task.id, editor: edit.editor }, 'edit of a handoff comment refused');
  return true;
}

/** The edit webhook of a comment: refused when it edits a handoff comment (by anyone but the App). */
export async function refuseEditedHandoff(
  deps: AppDeps,
  source: CommandSource,
  payload: unknown,
): Promise<boolean> {
  const sender = (payload as { sender?: { login?: string; type?: string } }).sender;
  if (sender?.type !== 'User' || source.comment.kind !== 'issue_comment') return false;
  if (!source.comment.previousBody?.startsWith('<!-- agent-dispatch:handoff=')) return false;
  return refuseHandoffEdit(deps, {
    installationId: source.installationId,
    repoId: source.repo.id,
    commentId: source.comment.id,
    editor: sender.login ?? 'someone',
  });
}
