// The reliability cron jobs: the sweeper (with retention) and the redelivery reconciler. Cron
// adds one job per minute across all replicas; an advisory lock makes an overlapping run a no-op.
import type { CronItem, TaskList } from 'graphile-worker';
import type { Db } from '../../platform/db/pool.ts';
import { pruneRecords } from '../../store/prune-records.ts';
import type { AppDeps } from '../app-deps.ts';
import { redeliverWebhooks } from './redeliver-webhooks.ts';
import { sweepTasks } from './sweep-tasks.ts';

export const RELIABILITY_JOBS = { sweep: 'sweep-tasks', redeliver: 'redeliver-webhooks' } as const;

/** Runs `work` unless another process holds `key`; returns undefined when it did not run. */
async function unlessRunning<T>(pool: Db, key: string, work: () => Promise<T>): Promise<T | undefined> {
  const client = await pool.connect();
  try {
    const locked = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 17)) AS ok',
      [key],
    );
    if (!locked.rows[0]?.ok) return undefined;
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 17))', [key]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

export function reliabilityTasks(deps: AppDeps): TaskList {
  const log = deps.log.child({ component: 'reliability' });
  return {
    [RELIABILITY_JOBS.sweep]: async () => {
      await unlessRunning(deps.pool, RELIABILITY_JOBS.sweep, async () => {
        const swept = await sweepTasks(deps);
        const pruned = await pruneRecords(deps.pool, deps.config.reliability.retention);
        log.debug({ swept, pruned }, 'sweep done');
      });
    },
    [RELIABILITY_JOBS.redeliver]: async () => {
      await unlessRunning(deps.pool, RELIABILITY_JOBS.redeliver, async () => {
        const report = await redeliverWebhooks(deps);
        log.debug({ report }, 'delivery log reconciled');
      });
    },
  };
}

/** Every minute (graphile-worker's cron granularity); a missed minute is not backfilled. */
export function reliabilityCron(): CronItem[] {
  return [
    {
      task: RELIABILITY_JOBS.sweep,
      identifier: RELIABILITY_JOBS.sweep,
      match: '* * * * *',
      options: { maxAttempts: 1, backfillPeriod: 0 },
    },
    {
      task: RELIABILITY_JOBS.redeliver,
      identifier: RELIABILITY_JOBS.redeliver,
      match: '* * * * *',
      options: { maxAttempts: 1, backfillPeriod: 0 },
    },
  ];
}
