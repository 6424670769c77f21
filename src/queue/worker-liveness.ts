// Liveness of queue worker pools. graphile-worker keeps a job locked by a process that died
// (SIGKILL, a lost host) for four hours. Each App process heartbeats its pool id into
// `queue_workers`; any process releases the jobs of pools that stopped heartbeating, so their
// work resumes within seconds on a live replica.
import { hostname } from 'node:os';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';

export type Liveness = {
  /** Stops heartbeating, releases this pool's remaining jobs and forgets the pool. */
  stop(): Promise<void>;
};

export async function heartbeat(db: Db, poolId: string): Promise<void> {
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
export async function releaseDeadWorkers(db: Db, staleAfterMs: number): Promise<string[]> {
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

export function startLiveness(options: {
  pool: Db;
  poolId: string;
  staleAfterMs: number;
  log: Logger;
}): Liveness {
  const { pool, poolId, staleAfterMs } = options;
  const log = options.log.child({ component: 'liveness', poolId });
  const beatEveryMs = Math.max(1_000, Math.floor(staleAfterMs / 6));
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await heartbeat(pool, poolId);
      const released = await releaseDeadWorkers(pool, staleAfterMs);
      if (released.length > 0) log.warn({ pools: released }, 'released the jobs of dead queue workers');
    } catch (error) {
      log.warn({ err: error }, 'queue heartbeat failed');
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), beatEveryMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      try {
        // Anything still locked by this pool (a job that did not finish in time) goes back to
        // the queue now, for the next process, instead of waiting to be judged dead.
        await pool.query('SELECT graphile_worker.force_unlock_workers($1)', [[poolId]]);
        await pool.query('DELETE FROM queue_workers WHERE pool_id = $1', [poolId]);
      } catch (error) {
        log.warn({ err: error }, 'could not release this pool on shutdown');
      }
    },
  };
}
