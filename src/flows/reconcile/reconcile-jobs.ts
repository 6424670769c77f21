// The reconciling cron jobs: the sweeper (with retention) and the redelivery reconciler. Cron
// adds one job per minute across all replicas; an advisory lock makes an overlapping run a no-op.
import type { CronItem } from 'graphile-worker';
import { pruneRecords } from '../../store/prune-records.ts';
import { unlessLocked } from '../../store/transactions.ts';
import type { AppDeps } from '../app-deps.ts';
import { redeliverWebhooks } from './redeliver-webhooks.ts';
import { sweepTasks } from './sweep-tasks.ts';

export const RELIABILITY_JOBS = { sweep: 'sweep-tasks', redeliver: 'redeliver-webhooks' } as const;

export async function sweepAndPrune(deps: AppDeps): Promise<void> {
  await unlessLocked(deps.pool, 'cron', RELIABILITY_JOBS.sweep, async () => {
    const swept = await sweepTasks(deps);
    const pruned = await pruneRecords(deps.pool, {
      ...deps.config.reliability.retention,
      transcriptDays: deps.config.web.transcript.retentionDays,
    });
    deps.log.debug({ swept, pruned }, 'sweep done');
  });
}

export async function reconcileDeliveries(deps: AppDeps): Promise<void> {
  await unlessLocked(deps.pool, 'cron', RELIABILITY_JOBS.redeliver, async () => {
    const report = await redeliverWebhooks(deps);
    deps.log.debug({ report }, 'delivery log reconciled');
  });
}

/** Every minute (graphile-worker's cron granularity); a missed minute is not backfilled. */
export function reliabilityCron(): CronItem[] {
  return Object.values(RELIABILITY_JOBS).map((task) => ({
    task,
    identifier: task,
    match: '* * * * *',
    options: { maxAttempts: 1, backfillPeriod: 0 },
  }));
}
