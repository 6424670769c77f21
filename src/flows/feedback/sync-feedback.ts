// Brings a task's visible state on GitHub in line with its row: the 👀 reaction on the command
// and the sticky status comment (created once, then edited). The pull request's check is the
// review check's (review-check.ts), which carries the task's summary.
// Runs one at a time per task and always renders the current row, so bursts converge.
import { createHash } from 'node:crypto';
import { marker } from '../../core/render/marker.ts';
import { renderStatusComment, type StatusExtras } from '../../core/render/status-comment.ts';
import { liveTaskUrl } from '../../core/task/live-page.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { approvalsOf, stepRunsOf } from '../../store/task-steps.ts';
import { updateTaskFields } from '../../store/task-transitions.ts';
import { getTask, queuePosition } from '../../store/tasks.ts';
import { withAdvisoryLock } from '../../store/transactions.ts';
import type { AppDeps } from '../app-deps.ts';
import { reactOnce } from './react.ts';

async function queueExtras(deps: AppDeps, task: Task): Promise<StatusExtras['queue']> {
  const row = await queuePosition(deps.pool, task);
  if (row.running < task.settings.concurrency) return undefined;
  return { running: row.running, limit: task.settings.concurrency, position: row.position };
}

async function gateExtras(octokit: Octokit, task: Task): Promise<StatusExtras['gate']> {
  if (!task.workflowRunId || !task.workflowRunUrl) return undefined;
  const { data } = await octokit.rest.actions.getPendingDeploymentsForRun({
    owner: task.repoOwner,
    repo: task.repoName,
    run_id: task.workflowRunId,
  });
  const pending = data[0];
  if (!pending) return undefined;
  const reviewers = pending.reviewers.map((r) => {
    const who = r.reviewer as { login?: string; slug?: string } | undefined;
    return who?.login ?? (who?.slug ? `${task.repoOwner}/${who.slug}` : 'a reviewer');
  });
  return {
    environment: pending.environment.name ?? task.settings.environment,
    reviewers,
    reviewUrl: task.workflowRunUrl,
  };
}

async function writeStatusComment(
  deps: AppDeps,
  octokit: Octokit,
  task: Task,
  body: string,
  issueNumber: number,
): Promise<void> {
  const target = { owner: task.repoOwner, repo: task.repoName };
  if (task.statusCommentId !== null) {
    try {
      await octokit.rest.issues.updateComment({ ...target, comment_id: task.statusCommentId, body });
      return;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
      // Someone deleted the status comment: make a new one below.
    }
  }
  const tag = marker('task', task.id);
  const since = new Date(task.createdAt.getTime() - 60_000).toISOString();
  const digest = digestOf(body);
  const made = await once(deps.pool, `status-comment:${task.id}:${task.statusCommentId ?? 'first'}`, {
    find: async () => {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        ...target,
        issue_number: issueNumber,
        since,
        per_page: 100,
      });
      const found = comments.find((c) => c.body?.startsWith(tag));
      return found ? { id: found.id, digest: digestOf(found.body ?? '') } : undefined;
    },
    perform: async () => ({
      id: (await octokit.rest.issues.createComment({ ...target, issue_number: issueNumber, body })).data.id,
      digest,
    }),
  });
  await updateTaskFields(deps.pool, task.id, { statusCommentId: made.id });
  // Made by an earlier attempt with older text: bring it up to date.
  if (made.digest !== digest)
    await octokit.rest.issues.updateComment({ ...target, comment_id: made.id, body });
}

function digestOf(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

export async function syncFeedback(deps: AppDeps, taskId: number): Promise<void> {
  await withAdvisoryLock(deps.pool, `feedback:${taskId}`, async () => {
    const task = await getTask(deps.pool, taskId);
    if (!task) return;
    const octokit = deps.github.forRepo(task.installationId, task.repoId, 'feedback');
    // A scheduled task has no command to react to and no thread for a status comment (its
    // schedule's report issue shows it).
    if (task.commentKind !== null && task.commentId !== null)
      await reactOnce(
        deps.pool,
        octokit,
        { owner: task.repoOwner, repo: task.repoName, kind: task.commentKind, id: task.commentId },
        'eyes',
      );
    if (task.issueNumber !== null) {
      const extras: StatusExtras = {
        queue: task.state === 'queued' ? await queueExtras(deps, task) : undefined,
        gate: task.state === 'waiting_approval' ? await gateExtras(octokit, task) : undefined,
        livePage: liveTaskUrl(deps.config.publicUrl, task.id),
        steps: task.pipeline
          ? { runs: await stepRunsOf(deps.pool, task.id), approvals: await approvalsOf(deps.pool, task.id) }
          : undefined,
      };
      const body = renderStatusComment(task, extras);
      const digest = digestOf(body);
      if (digest !== task.feedbackDigest || task.statusCommentId === null) {
        await writeStatusComment(deps, octokit, task, body, task.issueNumber);
        await updateTaskFields(deps.pool, task.id, { feedbackDigest: digest });
      }
    }
  });
}
