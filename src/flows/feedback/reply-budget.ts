// How many replies one user's commands may draw in a repository per hour. Counted in Postgres,
// under a lock per (repository, user), so simultaneous commands on several replicas cannot slip
// past it; a retried job for the same delivery keeps the slot it claimed.
import { type Db, inTransaction } from '../../platform/db/pool.ts';

export type ReplyClaim =
  | { allowed: true /** This reply uses the last slot of the hour. */; last: boolean; resetAt: Date }
  | { allowed: false; resetAt: Date };

const HOUR_MS = 60 * 60 * 1000;

type Recent = { deliveryId: string; at: Date };

/**
 * The decision, pure: a delivery that already holds a slot keeps it; otherwise a slot is free
 * while the user has had fewer than `perHour` replies in the hour (`recent`, oldest first).
 */
export function decideReply(
  recent: Recent[],
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

export async function claimReply(
  pool: Db,
  claim: { deliveryId: string; repoId: number; userId: number; perHour: number },
): Promise<ReplyClaim> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 13))', [
      `replies:${claim.repoId}:${claim.userId}`,
    ]);
    const recent = await client.query<{ delivery_id: string; created_at: Date }>(
      `SELECT delivery_id, created_at FROM command_replies
        WHERE repo_id = $1 AND user_id = $2 AND created_at > now() - interval '1 hour'
        ORDER BY created_at`,
      [claim.repoId, claim.userId],
    );
    const { record, ...decision } = decideReply(
      recent.rows.map((r) => ({ deliveryId: r.delivery_id, at: r.created_at })),
      claim.deliveryId,
      claim.perHour,
      new Date(),
    );
    if (record) {
      await client.query(
        `INSERT INTO command_replies (delivery_id, repo_id, user_id) VALUES ($1, $2, $3)
         ON CONFLICT (delivery_id) DO NOTHING`,
        [claim.deliveryId, claim.repoId, claim.userId],
      );
    }
    return decision;
  });
}
