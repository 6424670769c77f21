// What one cron tick does for one schedule. Pure: the slots the schedule passed since it last
// fired (or since it was learned), the one to fire now — the latest, so a schedule that missed
// several slots while the App was down catches up once, not once per slot — and when it is next due.
import { type CronSpec, jitterMs, nextSlot, slotsBetween } from './cron.ts';

export type ScheduleClock = CronSpec & {
  /** Names the schedule for its jitter (repository id and schedule name). */
  key: string;
  lastSlotAt: Date | null;
  learnedAt: Date;
};

export type Due = { slot: Date; fireAt: Date };

export type TickDecision = {
  /** The slot to fire, with the slots passed over before it. */
  fire?: Due & { missed: number };
  /** The next slot after it (undefined: the expression never fires again). */
  next?: Due;
};

/** Slots counted when catching up; more are reported as this many. */
const MAX_COUNTED = 1000;

function due(spec: ScheduleClock, slot: Date): Due {
  return { slot, fireAt: new Date(slot.getTime() + jitterMs(spec, spec.key, slot)) };
}

/** `lookaheadMs`: slots firing before the next tick are fired now (at their own time, by the queue). */
export function decideTick(schedule: ScheduleClock, now: Date, lookaheadMs: number): TickDecision {
  const since = schedule.lastSlotAt ?? schedule.learnedAt;
  const horizon = new Date(now.getTime() + lookaheadMs);
  const passed = slotsBetween(schedule, since, horizon, MAX_COUNTED)
    .map((slot) => due(schedule, slot))
    .filter((d) => d.fireAt.getTime() <= horizon.getTime());
  const latest = passed.at(-1);
  const after = latest?.slot ?? since;
  // The first slot after it: not due yet, or due only once its jitter has passed.
  const following = nextSlot(schedule, after);
  const nextDue = following ? due(schedule, following) : undefined;
  return {
    ...(latest && { fire: { ...latest, missed: passed.length - 1 } }),
    ...(nextDue && { next: nextDue }),
  };
}

/** When a schedule learned at `at` is first due (for `/agent schedules`). */
export function firstDue(schedule: ScheduleClock, at: Date): Due | undefined {
  const slot = nextSlot(schedule, schedule.lastSlotAt ?? at);
  return slot ? due(schedule, slot) : undefined;
}
