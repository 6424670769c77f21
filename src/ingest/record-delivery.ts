// Stores a verified delivery and, when it needs work, queues it — in one transaction, so a
// delivery is never recorded without its job nor queued twice. A duplicate (same delivery id,
// e.g. a redelivery or a retry by a proxy) changes nothing.
import { type Db, inTransaction } from '../db/pool.ts';
import { enqueue } from '../queue/enqueue.ts';
import { classifyDelivery } from './classify-delivery.ts';
import type { VerifiedWebhook } from './verify-webhook.ts';

export const PROCESS_DELIVERY_JOB = 'process-delivery';

export type RecordOutcome = 'queued' | 'ignored' | 'duplicate';

function numericId(value: unknown): number | null {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : null;
}

export async function recordDelivery(pool: Db, webhook: VerifiedWebhook): Promise<RecordOutcome> {
  const { deliveryId, event, payload } = webhook;
  const kind = classifyDelivery(event, payload);
  return inTransaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO webhook_deliveries
         (delivery_id, event, action, installation_id, repository_id, payload, outcome, processed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 = 'ignored' THEN now() END)
       ON CONFLICT (delivery_id) DO NOTHING`,
      [
        deliveryId,
        event,
        typeof payload.action === 'string' ? payload.action : null,
        numericId(payload.installation),
        numericId(payload.repository),
        kind === 'process' ? payload : null,
        kind === 'process' ? 'pending' : 'ignored',
      ],
    );
    if (inserted.rowCount === 0) return 'duplicate';
    if (kind === 'ignore') return 'ignored';
    await enqueue(
      client,
      PROCESS_DELIVERY_JOB,
      { deliveryId },
      { jobKey: `delivery:${deliveryId}`, maxAttempts: 10 },
    );
    return 'queued';
  });
}
