// Liveness of queue worker pools (`queue_workers`): each process heartbeats its pool id; jobs
// locked by pools that stopped heartbeating are released to the others.
import { hostname } from 'node:os';
import type { Queryable } from '../platform/db/pool.ts';

export async function heartbeat(db: Queryable, poolId: string): Promise<void> {
  await db.query(
    `INSERT INTO queue_workers (pool_id, host, pid) VALUES ($1, $2, $3)
     ON CONFLICT (pool_id) DO UPDATE SET seen_at = now()`,
    [poolId, hostname(), process.pid],
  );
}

/**
 * Releases jobs locked by pools that have not heartbeated within `staleAfterMs` (or never did).
 * Jobs locked more recently than that are left alone: their pool may be starting up.
 */
export async function releaseDeadWorkers(db: Queryable, staleAfterMs: number): Promise<string[]> {
  // Right after the database restarted, live pools have not had time to heartbeat again: judge
  // nobody until it has been up for a whole stale period.
  const dead = await db.query<{ locked_by: string }>(
    `SELECT DISTINCT j.locked_by FROM graphile_worker.jobs j
      WHERE pg_postmaster_start_time() < now() - $1 * interval '1 millisecond'
        AND j.locked_by IS NOT NULL
        AND j.locked_at < now() - $1 * interval '1 millisecond'
        AND NOT EXISTS (
          SELECT 1 FROM queue_workers w
           WHERE w.pool_id = j.locked_by AND w.seen_at > now() - $1 * interval '1 millisecond')`,
    [staleAfterMs],
  );
  const poolIds = dead.rows.map((row) => row.locked_by);
  if (poolIds.length > 0) await db.query('SELECT graphile_worker.force_unlock_workers($1)', [poolIds]);
  await db.query(`DELETE FROM queue_workers WHERE seen_at < now() - interval '1 day'`);
  return poolIds;
}

/** Releases whatever this pool still holds and forgets it (at shutdown). */
export async function releasePool(db: Queryable, poolId: string): Promise<void> {
  await db.query('SELECT graphile_worker.force_unlock_workers($1)', [[poolId]]);
  await db.query('DELETE FROM queue_workers WHERE pool_id = $1', [poolId]);
}
