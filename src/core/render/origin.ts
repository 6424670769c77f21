// Where a task came from, in words: its issue or pull request, or the schedule that started it
// (a scheduled task without an issue keeps its schedule's name as its title). Pure.
import type { Task } from '../task/task.ts';
import { encode } from './encode.ts';

export function originOf(task: Pick<Task, 'issueNumber' | 'trigger' | 'issueTitle'>): string {
  if (task.issueNumber !== null) return `#${task.issueNumber}`;
  return `the schedule ${encode(task.issueTitle, 'span', { max: 60 })}`;
}
