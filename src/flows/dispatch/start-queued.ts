// Starts queued tasks of a repository while it has free slots, oldest first. The count and the
// moves happen in one transaction under a per-repository lock, so replicas racing here can
// never start more than the cap.
import { feedbackJob } from '../../core/task/follow-up-jobs.ts';
import type { Db } from '../../platform/db/pool.ts';
import { addJob } from '../../store/jobs.ts';
import { applyTransition } from '../../store/task-transitions.ts';
import { countActive, queuedTasks } from '../../store/tasks.ts';
import { inTransaction, lockForTransaction } from '../../store/transactions.ts';

/** Status comments refreshed per pass; the rest catch up as the line moves. */
const MAX_REFRESHED = 20;

export async function startQueued(pool: Db, repoId: number): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await lockForTransaction(client, 'startQueued', `start-queued:${repoId}`);
    const queued = await queuedTasks(client, repoId);
    const newest = queued.at(-1);
    if (!newest) return [];
    // The newest queued task carries the repository's current configuration.
    let free = newest.settings.concurrency - (await countActive(client, repoId));
    const started: number[] = [];
    for (const task of queued) {
      if (free <= 0) break;
      const moved = await applyTransition(client, task, {
        type: 'dispatch',
        actor: 'agent-dispatch',
        fields: { dispatchedAt: new Date(), workflowFile: task.settings.workflow },
      });
      if (moved && !('refused' in moved)) {
        started.push(task.id);
        free--;
      }
    }
    // The tasks still waiting moved up the line (or learned they wait): refresh their status
    // comments, and make the first one of a task that has none (a new task's feedback waits for
    // this pass: follow-up-jobs.ts). Job keys collapse repeated refreshes; unchanged text is not
    // rewritten.
    const waiting = queued.filter((task) => !started.includes(task.id));
    const refreshed = waiting.filter((task, i) => i < MAX_REFRESHED || task.statusCommentId === null);
    for (const task of refreshed) {
      const job = feedbackJob(task.id);
      await addJob(client, job.task, job.payload, job.options);
    }
    return started;
  });
}
