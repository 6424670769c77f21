// Cancels the workflow run of a cancelled task. A run that already finished is fine.

import { getTask } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';

export async function cancelRun(deps: AppDeps, taskId: number, runId: number): Promise<void> {
  const task = await getTask(deps.pool, taskId);
  if (!task) return;
  const octokit = deps.github.forRepo(task.installationId, task.repoId, 'dispatch');
  try {
    await octokit.rest.actions.cancelWorkflowRun({
      owner: task.repoOwner,
      repo: task.repoName,
      run_id: runId,
    });
  } catch (error) {
    // 409: the run already completed. 404: it is gone.
    const status = (error as { status?: number }).status;
    if (status !== 409 && status !== 404) throw error;
  }
}
