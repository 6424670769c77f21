// How much of an installation's write budget is left now, from its pacing buckets (the GCRA state
// write-pacing.ts keeps): the requests that could go at once before the per-minute and the hourly
// bucket make one wait, and how long a pause GitHub asked for still lasts. Pure.
import type { Pacing, PacingState } from './write-pacing.ts';

export type WriteBudget = {
  /** Content-creating requests that could be sent now without waiting (the smaller of the two). */
  now: number;
  minuteLeft: number;
  minuteBurst: number;
  hourLeft: number;
  hourBurst: number;
  /** Milliseconds until GitHub's pause ends (0: none). */
  pausedMs: number;
};

function left(tat: number, now: number, bucket: Pacing['minute']): { left: number; burst: number } {
  const burst = Math.round(bucket.toleranceMs / bucket.intervalMs) + 1;
  // A request may go while tat − τ ≤ now; each one moves tat on by one interval.
  const slack = now + bucket.toleranceMs - Math.max(tat, now);
  return { left: Math.max(0, Math.min(burst, Math.floor(slack / bucket.intervalMs) + 1)), burst };
}

export function writeBudget(state: PacingState, now: number, pacing: Pacing): WriteBudget {
  const minute = left(state.minuteTat, now, pacing.minute);
  const hour = left(state.hourTat, now, pacing.hour);
  const pausedMs = state.pausedUntil !== null && state.pausedUntil > now ? state.pausedUntil - now : 0;
  return {
    now: pausedMs > 0 ? 0 : Math.min(minute.left, hour.left),
    minuteLeft: minute.left,
    minuteBurst: minute.burst,
    hourLeft: hour.left,
    hourBurst: hour.burst,
    pausedMs,
  };
}
