// The reply to `/agent status`: the tasks of a thread, newest first, as a table. Requests are
// people's text: encoded for a table cell (nothing in them renders, pings or links). Pure.
import type { Task } from '../task/task.ts';
import { encode } from './encode.ts';

function age(since: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - since.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/** `tasks` newest first. */
export function renderStatusReply(tasks: Task[], now: Date): string {
  if (tasks.length === 0) return 'No agent tasks on this thread yet. Start one with `/agent <task>`.';
  const rows = tasks.slice(0, 20).map((t) => {
    const links = [t.prUrl ? `[PR](${t.prUrl})` : '', t.workflowRunUrl ? `[run](${t.workflowRunUrl})` : '']
      .filter(Boolean)
      .join(' · ');
    const prompt = encode(t.prompt, 'inline', { max: 60 });
    return `| ${t.id} | ${t.state.replace(/_/g, ' ')}${t.attempt > 1 ? ` (attempt ${t.attempt})` : ''} | @${t.requesterLogin} | ${age(t.createdAt, now)} | ${prompt} | ${links || '—'} |`;
  });
  return [
    `**Agent tasks on this thread** (${tasks.length}${tasks.length > 20 ? ', newest 20 shown' : ''})`,
    '',
    '| Task | State | Requested by | Age | Request | Links |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
