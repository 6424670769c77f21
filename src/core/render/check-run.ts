// The `Agent Dispatch` check run on the agent's commit: the task's summary where reviewers look.
// The request and what the job reported are encoded. Pure.
import type { Task } from '../task/task.ts';
import { encode, quoted } from './encode.ts';
import { originOf } from './origin.ts';

export const TASK_CHECK_NAME = 'Agent Dispatch';

export function checkOutput(task: Task): { title: string; summary: string } {
  const usage = task.usage;
  const lines = [
    `Task ${task.id} for ${originOf(task)}, requested by @${task.requesterLogin}.`,
    '',
    `| Engine | Turns | Tokens (in / out) | Cost | Run |`,
    `| --- | --- | --- | --- | --- |`,
    `| ${encode(task.engine, 'inline')}${usage?.engineVersion ? ` ${encode(usage.engineVersion, 'inline', { max: 100 })}` : ''} | ${usage?.turns ?? '—'} | ${usage?.inputTokens ?? '—'} / ${usage?.outputTokens ?? '—'} | ${task.costUsd === null ? '—' : `$${task.costUsd.toFixed(2)}`} | ${task.workflowRunUrl ? `[logs](${task.workflowRunUrl})` : '—'} |`,
    '',
    '**Request**',
    '',
    quoted(task.prompt, 2000),
  ];
  return { title: `Agent task ${task.id}: ${task.state.replace(/_/g, ' ')}`, summary: lines.join('\n') };
}
