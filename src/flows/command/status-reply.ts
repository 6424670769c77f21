// `/agent status`: the tasks of this issue or pull request, newest first.
import { renderStatusReply } from '../../core/render/status-reply.ts';
import type { Db } from '../../platform/db/pool.ts';
import { tasksOfIssue } from '../../store/tasks.ts';
import type { CommandSource } from './command-source.ts';

export async function statusReply(pool: Db, source: CommandSource, now = new Date()): Promise<string> {
  const tasks = (await tasksOfIssue(pool, source.repo.id, source.issue.number)).reverse();
  return renderStatusReply(tasks, now);
}
