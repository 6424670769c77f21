import type { Task } from '../../core/task/task.ts';

/** The `{ owner, repo }` of a task's repository, as Octokit's routes take it. */
export function repoOf(task: Pick<Task, 'repoOwner' | 'repoName'>): { owner: string; repo: string } {
  return { owner: task.repoOwner, repo: task.repoName };
}
