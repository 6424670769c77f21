// The `Agent Dispatch` check run on the agent's commit: the task's summary where reviewers look.
// Pure.
import type { Task } from '../task/task.ts';

export const TASK_CHECK_NAME = 'Agent Dispatch';

export function checkOutput(task: Task): { title: string; summary: string } {
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
