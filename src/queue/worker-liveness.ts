// Liveness of queue worker pools. graphile-worker keeps a job locked by a process that died
// (SIGKILL, a lost host) for four hours. Each App process heartbeats its pool id into
// `queue_workers`; any process releases the jobs of pools that stopped heartbeating, so their
// work resumes within seconds on a live replica.
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { heartbeat, releaseDeadWorkers } from '../store/workers.ts';

export type Liveness = {
  /** Stops heartbeating (the pool's owner then releases what the pool still holds). */
  stop(): void;
};

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
  let stopped = false;
  const tick = async () => {
    if (busy || stopped) return;
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
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
