// The per-user task limit of a repository (`rate-limit.per-user-per-hour`). Pure: the store counts
// the user's tasks of the last hour under a lock and asks this.

const HOUR_MS = 60 * 60 * 1000;

export type TaskLimitDecision = { allowed: true } | { allowed: false; limit: number; retryAt: Date };

export function decideTaskLimit(
  recent: { count: number; oldest: Date | null },
  perHour: number | undefined,
): TaskLimitDecision {
  if (perHour === undefined || recent.count < perHour || recent.oldest === null) return { allowed: true };
  return { allowed: false, limit: perHour, retryAt: new Date(recent.oldest.getTime() + HOUR_MS) };
}
