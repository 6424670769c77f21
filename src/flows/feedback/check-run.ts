// The check run on the agent's commit: the task's summary where reviewers look, in the
// pull request's checks.

import { checkOutput, TASK_CHECK_NAME } from '../../core/render/check-run.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { updateTaskFields } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';

export async function syncCheckRun(deps: AppDeps, octokit: Octokit, task: Task): Promise<void> {
  if (!task.commitSha || task.state !== 'succeeded') return;
  const target = { owner: task.repoOwner, repo: task.repoName };
  const output = checkOutput(task);
  const id = await once(deps.pool, `check-run:${task.id}:${task.commitSha}`, {
    find: async () => {
      const { data } = await octokit.rest.checks.listForRef({
        ...target,
        ref: task.commitSha!,
        check_name: TASK_CHECK_NAME,
      });
      return data.check_runs.find((c) => c.external_id === String(task.id))?.id;
    },
    perform: async () =>
      (
        await octokit.rest.checks.create({
          ...target,
          name: TASK_CHECK_NAME,
          head_sha: task.commitSha!,
          external_id: String(task.id),
          status: 'completed',
          conclusion: 'success',
          ...(task.workflowRunUrl && { details_url: task.workflowRunUrl }),
          output,
        })
      ).data.id,
  });
  if (task.checkRunId !== id) await updateTaskFields(deps.pool, task.id, { checkRunId: id });
}
