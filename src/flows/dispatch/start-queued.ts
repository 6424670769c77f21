// Starts queued tasks of a repository while it has free slots, oldest first. The count and the
// moves happen in one transaction under a per-repository lock, so replicas racing here can
// never start more than the cap.

import { JOBS } from '../../core/task/follow-up-jobs.ts';
import { taskFromRow } from '../../core/task/task.ts';
import { ACTIVE_STATES } from '../../core/task/task-states.ts';
import type { Db } from '../../platform/db/pool.ts';
import { inTransaction } from '../../platform/db/pool.ts';
import { enqueue } from '../../queue/enqueue.ts';
import { applyTransition } from '../../store/tasks.ts';

/** Status comments refreshed per pass; the rest catch up as the line moves. */
const MAX_REFRESHED = 20;

export async function startQueued(pool: Db, repoId: number): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 3))', [`start-queued:${repoId}`]);
    const queued = await client.query(
      `SELECT * FROM tasks WHERE repo_id = $1 AND state = 'queued' ORDER BY id`,
      [repoId],
    );
    if (queued.rows.length === 0) return [];
    const active = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tasks WHERE repo_id = $1 AND state = ANY($2)',
      [repoId, ACTIVE_STATES],
    );
    // The newest queued task carries the repository's current configuration.
    const newest = taskFromRow(queued.rows[queued.rows.length - 1]);
    let free = newest.settings.concurrency - (active.rows[0]?.n ?? 0);
    const started: number[] = [];
    for (const row of queued.rows) {
      if (free <= 0) break;
      const task = taskFromRow(row);
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
    // comments. Their job keys collapse repeated refreshes; unchanged text is not rewritten.
    const waiting = queued.rows.map((row) => Number(row.id)).filter((id) => !started.includes(id));
    for (const id of waiting.slice(0, MAX_REFRESHED)) {
      await enqueue(client, JOBS.syncFeedback, { taskId: id }, { jobKey: `feedback:${id}`, maxAttempts: 10 });
    }
    return started;
  });
}
