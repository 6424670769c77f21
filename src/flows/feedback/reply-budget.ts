// How many replies one user's commands may draw in a repository per hour. Counted in Postgres,
// under a lock per (repository, user), so simultaneous commands on several replicas cannot slip
// past it; a retried job for the same delivery keeps the slot it claimed.
import { decideReply, type ReplyClaim } from '../../core/feedback/decide-reply.ts';
import type { Db } from '../../platform/db/pool.ts';
import { recentReplies, recordReply } from '../../store/replies.ts';
import { inTransaction, lockForTransaction } from '../../store/transactions.ts';

export async function claimReply(
  pool: Db,
  claim: { deliveryId: string; repoId: number; userId: number; perHour: number },
): Promise<ReplyClaim> {
  return inTransaction(pool, async (client) => {
    await lockForTransaction(client, 'replies', `replies:${claim.repoId}:${claim.userId}`);
    const recent = await recentReplies(client, claim.repoId, claim.userId);
    const { record, ...decision } = decideReply(recent, claim.deliveryId, claim.perHour, new Date());
    if (record) await recordReply(client, claim.deliveryId, claim.repoId, claim.userId);
    return decision;
  });
}
