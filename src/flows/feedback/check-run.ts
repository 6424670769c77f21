// The check run on the agent's commit: the task's summary where reviewers look, in the
// pull request's checks.

import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { updateTaskFields } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';

export const TASK_CHECK_NAME = 'Agent Dispatch';

function checkOutput(task: Task): { title: string; summary: string } {
  const usage = task.usage;
  const lines = [
    `Task ${task.id} for #${task.issueNumber}, requested by @${task.requesterLogin}.`,
    '',
    `| Engine | Turns | Tokens (in / out) | Cost | Run |`,
    `| --- | --- | --- | --- | --- |`,
    `| ${task.engine}${usage?.engineVersion ? ` ${usage.engineVersion}` : ''} | ${usage?.turns ?? '—'} | ${usage?.inputTokens ?? '—'} / ${usage?.outputTokens ?? '—'} | ${task.costUsd === null ? '—' : `$${task.costUsd.toFixed(2)}`} | ${task.workflowRunUrl ? `[logs](${task.workflowRunUrl})` : '—'} |`,
    '',
    '**Request**',
    '',
    task.prompt.length > 2000 ? `${task.prompt.slice(0, 2000)}…` : task.prompt,
  ];
  return { title: `Agent task ${task.id}: ${task.state.replace(/_/g, ' ')}`, summary: lines.join('\n') };
}

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
