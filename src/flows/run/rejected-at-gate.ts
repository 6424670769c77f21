// Reads a run's jobs to tell a run that an environment gate rejected (a required reviewer, or a
// protection rule) from a run whose job ran and failed.
import { stoppedAtGate } from '../../core/run/decide-run-ended.ts';
import type { Task } from '../../core/task/task.ts';
import type { AppDeps } from '../app-deps.ts';

export async function runRejectedAtGate(deps: AppDeps, task: Task, runId: number): Promise<boolean> {
  const octokit = deps.github.forRepo(task.installationId, task.repoId, 'gate');
  const { data } = await octokit.rest.actions.listJobsForWorkflowRun({
    owner: task.repoOwner,
    repo: task.repoName,
    run_id: runId,
    per_page: 100,
  });
  return stoppedAtGate(data.jobs);
}
