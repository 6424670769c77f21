// A signed-in person acting on a task — from the REST API or a dashboard form: the task must be
// one they can see, and the action goes through the comment commands' flow (act-on-task.ts) with
// its rules; a refusal is an AppError whose sentence says why.
import { AppError } from '../core/errors.ts';
import type { Task } from '../core/task/task.ts';
import { actOnTask, type TaskAction } from '../flows/command/act-on-task.ts';
import { type Viewer, visibleTask } from './viewer.ts';
import type { WebDeps } from './web-deps.ts';

export async function actAsViewer(
  deps: WebDeps,
  viewer: Viewer,
  taskId: number,
  action: TaskAction,
  options: { reason?: string | undefined; via: 'api' | 'dashboard' },
): Promise<Task> {
  const task = await visibleTask(deps, viewer, taskId);
  const outcome = await actOnTask(deps, {
    task,
    action,
    actor: { login: viewer.login, id: viewer.userId, type: 'User' },
    octokit: deps.github.forRepo(task.installationId, task.repoId, 'respond'),
    repo: { id: task.repoId, owner: task.repoOwner, name: task.repoName, defaultBranch: '' },
    reason: options.reason?.slice(0, 500),
    via: options.via,
  });
  if (outcome.ok) return outcome.task;
  const what = `${action} task ${task.id}`;
  throw outcome.refused === 'access'
    ? new AppError('not_allowed', { action: what, reason: outcome.reason })
    : new AppError('cannot_manage', { action: what, reason: outcome.reason });
}
