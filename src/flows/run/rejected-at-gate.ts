// Tells a run that an environment gate rejected (a required reviewer, or a protection rule)
// from a run whose job ran and failed: a rejected job fails without ever getting a runner.

import type { Task } from '../../core/task/task.ts';
import type { AppDeps } from '../app-deps.ts';

type JobFacts = { conclusion: string | null; runner_name?: string | null; steps?: unknown[] | null };

/** Pure: a job that failed without a runner and without steps was stopped at its gate. */
export function stoppedAtGate(jobs: JobFacts[]): boolean {
  return jobs.some(
    (job) => job.conclusion === 'failure' && !job.runner_name && (job.steps?.length ?? 0) === 0,
  );
}

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
