// Replies the App made to a user's commands in a repository (`command_replies`), counted over the
// last hour for the reply budget.
import type { Queryable } from '../platform/db/pool.ts';

export type RecentReply = { deliveryId: string; at: Date };

export async function recentReplies(db: Queryable, repoId: number, userId: number): Promise<RecentReply[]> {
  const recent = await db.query<{ delivery_id: string; created_at: Date }>(
    `SELECT delivery_id, created_at FROM command_replies
      WHERE repo_id = $1 AND user_id = $2 AND created_at > now() - interval '1 hour'
      ORDER BY created_at`,
    [repoId, userId],
  );
  return recent.rows.map((r) => ({ deliveryId: r.delivery_id, at: r.created_at }));
}

export async function recordReply(
  db: Queryable,
  deliveryId: string,
  repoId: number,
  userId: number,
): Promise<void> {
  await db.query(
    `INSERT INTO command_replies (delivery_id, repo_id, user_id) VALUES ($1, $2, $3)
     ON CONFLICT (delivery_id) DO NOTHING`,
    [deliveryId, repoId, userId],
  );
}
