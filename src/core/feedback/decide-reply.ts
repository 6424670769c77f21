// How many replies one user's commands may draw in a repository per hour (`rate-limit.
// replies-per-user-per-hour`). Pure: the flow counts under a lock and asks this.

export type ReplyClaim =
  | { allowed: true /** This reply uses the last slot of the hour. */; last: boolean; resetAt: Date }
  | { allowed: false; resetAt: Date };

const HOUR_MS = 60 * 60 * 1000;

export type RecentReply = { deliveryId: string; at: Date };

/**
 * The decision, pure: a delivery that already holds a slot keeps it; otherwise a slot is free
 * while the user has had fewer than `perHour` replies in the hour (`recent`, oldest first).
 */
export function decideReply(
  recent: RecentReply[],
  deliveryId: string,
  perHour: number,
  now: Date,
): ReplyClaim & { record: boolean } {
  const resetAt = new Date((recent[0]?.at ?? now).getTime() + HOUR_MS);
  const mine = recent.findIndex((r) => r.deliveryId === deliveryId);
  if (mine >= 0) return { allowed: true, last: mine + 1 === perHour, resetAt, record: false };
  if (recent.length >= perHour) return { allowed: false, resetAt, record: false };
  return { allowed: true, last: recent.length + 1 === perHour, resetAt, record: true };
}
