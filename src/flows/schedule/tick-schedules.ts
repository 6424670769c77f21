// The schedule tick: a graphile-worker cron job, every minute on whichever replica takes it
// (several may; each due schedule is locked by one). Slots due before the next tick get a fire
// job at their jittered time; the slot's row makes it fire once (docs/pipelines.md).
import type { CronItem } from 'graphile-worker';
import { decideTick } from '../../core/schedule/decide-tick.ts';
import { tickDueSchedules } from '../../store/schedules.ts';
import type { AppDeps } from '../app-deps.ts';
import { scheduleKey } from './learn-schedules.ts';

export const SCHEDULE_JOBS = { tick: 'schedule-tick', fire: 'fire-schedule' } as const;

/** Slots firing before the next tick are queued now, at their own time. */
export const LOOKAHEAD_MS = 60_000;

export async function tickSchedules(deps: AppDeps, now = new Date()): Promise<{ fired: number }> {
  const horizon = new Date(now.getTime() + LOOKAHEAD_MS);
  const result = await tickDueSchedules(
    deps.pool,
    horizon,
    (schedule) =>
      decideTick(
        {
          cron: schedule.definition.cron,
          timezone: schedule.definition.timezone,
          key: scheduleKey(schedule.repoId, schedule.name),
          lastSlotAt: schedule.lastSlotAt,
          learnedAt: schedule.learnedAt,
        },
        now,
        LOOKAHEAD_MS,
      ),
    (schedule, slot, fireAt) => ({
      task: SCHEDULE_JOBS.fire,
      payload: { scheduleId: schedule.id, slot: slot.toISOString() },
      options: { jobKey: `schedule:${schedule.id}:${slot.toISOString()}`, runAt: fireAt, maxAttempts: 8 },
    }),
  );
  if (result.fired > 0) deps.log.info(result, 'schedules ticked');
  return result;
}

export function scheduleCron(): CronItem[] {
  return [
    {
      task: SCHEDULE_JOBS.tick,
      identifier: SCHEDULE_JOBS.tick,
      match: '* * * * *',
      // A missed tick needs no backfill: the next one finds every slot passed since.
      options: { maxAttempts: 1, backfillPeriod: 0 },
    },
  ];
}
