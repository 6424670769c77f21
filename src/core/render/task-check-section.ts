// The task's part of the `agent-dispatch/review` check on an agent pull request's head: which task
// made the head commit, for whom, what it cost, and the request, where reviewers look. The request
// and what the job reported are encoded. Pure.
import type { Task } from '../task/task.ts';
import { encode, quoted } from './encode.ts';
import { originOf } from './origin.ts';

export type CheckedTask = Pick<
  Task,
  | 'id'
  | 'issueNumber'
  | 'trigger'
  | 'issueTitle'
  | 'requesterLogin'
  | 'state'
  | 'engine'
  | 'usage'
  | 'costUsd'
  | 'workflowRunUrl'
  | 'prompt'
>;

export function taskCheckSection(task: CheckedTask): string {
  const usage = task.usage;
  return [
    `**Agent task ${task.id}** for ${originOf(task)}, requested by @${task.requesterLogin}: ${task.state.replace(/_/g, ' ')}.`,
    '',
    `| Engine | Turns | Tokens (in / out) | Cost | Run |`,
    `| --- | --- | --- | --- | --- |`,
    `| ${encode(task.engine, 'inline')}${usage?.engineVersion ? ` ${encode(usage.engineVersion, 'inline', { max: 100 })}` : ''} | ${usage?.turns ?? '—'} | ${usage?.inputTokens ?? '—'} / ${usage?.outputTokens ?? '—'} | ${task.costUsd === null ? '—' : `$${task.costUsd.toFixed(2)}`} | ${task.workflowRunUrl ? `[logs](${task.workflowRunUrl})` : '—'} |`,
    '',
    '**Request**',
    '',
    quoted(task.prompt, 2000),
  ].join('\n');
}
