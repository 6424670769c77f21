// An edited comment (`issue_comment.edited`, `pull_request_review_comment.edited`). Edits never
// start work. An edit of the comment that made a task still waiting for approval changes that
// request: a new revision that must be approved again, its status comment showing the new text
// (or the task ends when the edit leaves no request it can run). Once a task was approved or
// needed no approval, its request is fixed: the edit is recorded in its history and ignored.
import { isAutomation } from '../../core/access/decide-access.ts';
import { appendTaskEvent } from '../../store/task-events.ts';
import { taskOfComment } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import type { CommandSource } from './command-source.ts';
import { applyRequestChange, changesOf, readRequestNow } from './revise-request.ts';

export async function handleCommandEdit(deps: AppDeps, source: CommandSource): Promise<void> {
  if (isAutomation(source.sender)) return;
  const task = await taskOfComment(deps.pool, source.comment.kind, source.comment.id);
  if (!task || task.repoId !== source.repo.id) return;
  const log = deps.log.child({ deliveryId: source.deliveryId, taskId: task.id });
  if (task.state !== 'awaiting_approval') {
    await appendTaskEvent(deps.pool, task.id, {
      type: 'request_edit_ignored',
      actor: source.sender.login,
      payload: { state: task.state, deliveryId: source.deliveryId },
    });
    log.info({ state: task.state }, 'edit of a fixed request ignored');
    return;
  }
  const octokit = deps.github.forRepo(source.installationId, source.repo.id, 'respond');
  const now = await readRequestNow(octokit, task, source.comment.body);
  const changes = changesOf(task, now);
  if (changes.length === 0) return;
  const outcome = await applyRequestChange(deps, task, now, changes, {
    actor: source.sender.login,
    changedAt: new Date(source.comment.updatedAt),
  });
  log.info({ changes, outcome }, 'request waiting for approval changed');
}
